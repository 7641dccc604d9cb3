package dev.yard.passes;

import dev.yard.ir.YardException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A pipeline of configured passes, written as text in the spirit of MLIR:
 * {@code fold-batchnorm,decompose{method=tucker2 rank=0.5},fuse-1x1,dce}. Options go in braces,
 * separated by spaces; a value with spaces or special characters is double-quoted. The text
 * form round-trips: {@link #toString()} prints a canonical string that parses to the same
 * pipeline. A bad string is an error that names the column.
 */
public final class Pipeline {
    /** What {@code yard optimize} runs unless told otherwise. */
    public static final String DEFAULT =
            // Constant-node weights and exporters' shape computations become initializers and static
            // shapes: every later pass reads a layer's weights as an initializer and prices it by shape.
            "fold-constants,"
                    // Before selection: the chains are fitted to the kernel the model really applies
                    // (BatchNorm's scale included) and no BatchNorm sits between a chain and its input.
                    + "fold-batchnorm,"
                    // The choice of what to decompose, at the fidelity budget, on the cost model.
                    + "select-ranks,"
                    // After selection: folds the biases of the chains it emitted and merges what is
                    // cheaper as one conv; before it, it would merge nothing of theirs.
                    + "fuse-1x1,"
                    // Last: drops the weights the passes above replaced.
                    + "dce";

    /** One pass of the pipeline with its options. */
    public record Entry(PassDefinition definition, PassOptions options) {
        public String name() {
            return definition.name();
        }

        public Pass create() {
            return definition.create(options);
        }

        @Override
        public String toString() {
            if (options.given().isEmpty()) {
                return definition.name();
            }
            return definition.name()
                    + options.given().entrySet().stream()
                            .map(e -> e.getKey() + "=" + quoteIfNeeded(e.getValue()))
                            .collect(Collectors.joining(" ", "{", "}"));
        }
    }

    private final List<Entry> entries;

    private Pipeline(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return entries.stream().map(Entry::toString).collect(Collectors.joining(","));
    }

    /** Parses and checks {@code text} against the passes in {@code registry}. */
    public static Pipeline parse(String text, PassRegistry registry) {
        return new Parser(text, registry).pipeline();
    }

    static String quoteIfNeeded(String v) {
        if (!v.isEmpty() && v.chars().allMatch(Parser::isBareChar)) {
            return v;
        }
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A hand-written scanner: the syntax is small, and errors must point at a column. */
    private static final class Parser {
        private final String text;
        private final PassRegistry registry;
        private int pos;

        Parser(String text, PassRegistry registry) {
            this.text = text;
            this.registry = registry;
        }

        static boolean isBareChar(int c) {
            return c > ' ' && c != ',' && c != '{' && c != '}' && c != '"' && c != '=';
        }

        static boolean isNameChar(int c) {
            return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.';
        }

        Pipeline pipeline() {
            List<Entry> entries = new ArrayList<>();
            skipSpaces();
            if (pos == text.length()) {
                throw error(pos, "empty pipeline");
            }
            while (true) {
                entries.add(entry());
                skipSpaces();
                if (pos == text.length()) {
                    return new Pipeline(entries);
                }
                expect(',');
                skipSpaces();
            }
        }

        private Entry entry() {
            int start = pos;
            String name = name("a pass name");
            PassDefinition def = registry.get(name);
            if (def == null) {
                throw error(
                        start,
                        "unknown pass '" + name + "' (known: "
                                + registry.all().stream()
                                        .map(PassDefinition::name)
                                        .collect(Collectors.joining(", ")) + ")");
            }
            Map<String, String> given = new LinkedHashMap<>();
            skipSpaces();
            if (peek() == '{') {
                pos++;
                skipSpaces();
                while (peek() != '}') {
                    if (pos == text.length()) {
                        throw error(pos, "missing '}' after the options of " + name);
                    }
                    int keyAt = pos;
                    String key = name("an option name");
                    OptionSpec spec = def.options().stream()
                            .filter(o -> o.name().equals(key))
                            .findFirst()
                            .orElse(null);
                    if (spec == null) {
                        throw error(
                                keyAt,
                                "pass " + name + " has no option '" + key + "'"
                                        + (def.options().isEmpty()
                                                ? " (it takes none)"
                                                : " (options: "
                                                        + def.options().stream()
                                                                .map(OptionSpec::name)
                                                                .collect(Collectors.joining(", "))
                                                        + ")"));
                    }
                    if (given.containsKey(key)) {
                        throw error(keyAt, "option '" + key + "' of " + name + " is given twice");
                    }
                    skipSpaces();
                    expect('=');
                    skipSpaces();
                    int valueAt = pos;
                    String value = value();
                    String problem = spec.problemWith(value);
                    if (problem != null) {
                        throw error(valueAt, name + " option " + key + ": " + problem);
                    }
                    given.put(key, value);
                    skipSpaces();
                }
                pos++;
            }
            PassOptions options = new PassOptions(def.options(), given);
            // Values are checked now, by making the pass once, so that a bad one (rank=-1,
            // groups=0) is reported at its pass's column like a syntax error, before anything runs.
            try {
                def.create(options);
            } catch (YardException e) {
                if (e.isBadInput()) {
                    throw error(start, e.getMessage());
                }
                throw e;
            }
            return new Entry(def, options);
        }

        private String name(String what) {
            int start = pos;
            while (pos < text.length() && isNameChar(text.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw error(
                        pos, "expected " + what + (pos < text.length() ? ", found '" + text.charAt(pos) + "'" : ""));
            }
            return text.substring(start, pos);
        }

        private String value() {
            if (peek() == '"') {
                int start = pos;
                pos++;
                StringBuilder b = new StringBuilder();
                while (pos < text.length() && text.charAt(pos) != '"') {
                    char c = text.charAt(pos++);
                    if (c == '\\' && pos < text.length()) {
                        c = text.charAt(pos++);
                    }
                    b.append(c);
                }
                if (pos == text.length()) {
                    throw error(start, "unterminated string");
                }
                pos++;
                return b.toString();
            }
            int start = pos;
            while (pos < text.length() && isBareChar(text.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw error(pos, "expected a value");
            }
            return text.substring(start, pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error(
                        pos,
                        "expected '" + c + "'"
                                + (pos < text.length() ? ", found '" + text.charAt(pos) + "'" : " at the end"));
            }
            pos++;
        }

        private int peek() {
            return pos < text.length() ? text.charAt(pos) : -1;
        }

        private void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        /** One line, whatever the pipeline holds: it may span lines, and options name files. */
        private YardException error(int at, String message) {
            return YardException.badInput(YardException.oneLine("pipeline, column " + (at + 1) + ": " + message + ": \""
                    + text.substring(0, Math.min(at, text.length())) + "<here>"
                    + text.substring(Math.min(at, text.length()))
                    + "\""));
        }
    }
}
