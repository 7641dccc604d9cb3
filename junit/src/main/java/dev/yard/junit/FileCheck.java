package dev.yard.junit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a text against directives in the manner of LLVM's FileCheck, so that a golden case
 * states what matters about a pass's output rather than every line of it (a weight digest
 * changes with any numerical change; the structure the case is about does not):
 *
 * <pre>
 * # check: PATTERN        a later line (after the previous match) contains PATTERN
 * # check-next: PATTERN   the line right after the previous match contains PATTERN
 * # check-not: PATTERN    no line between the previous match and the next one (or the end) does
 * </pre>
 *
 * A pattern is literal text, with {@code {{REGEX}}} for a regular expression, {@code
 * [[NAME:REGEX]]} to capture what the regular expression matched under a name, and {@code
 * [[NAME]]} for the text captured before: {@code check: [[W:\w+]] = sha256:} then {@code
 * check-next: Conv (x, [[W]])} says the conv reads the weight declared, whatever its name.
 */
final class FileCheck {
    /** One directive, with the line of the golden file it was written on. */
    record Directive(Kind kind, String pattern, int line) {}

    enum Kind {
        CHECK("check"),
        NEXT("check-next"),
        NOT("check-not");

        final String keyword;

        Kind(String keyword) {
            this.keyword = keyword;
        }
    }

    private static final Pattern PIECE = Pattern.compile("\\{\\{(.*?)}}|\\[\\[([A-Za-z_][A-Za-z0-9_]*)(?::(.*?))?]]");

    private FileCheck() {}

    /** The directive a golden-file line states, or null when it states none. */
    static Directive parse(String line, int lineNumber) {
        for (Kind k : new Kind[] {Kind.NEXT, Kind.NOT, Kind.CHECK}) {
            String prefix = "# " + k.keyword + ":";
            if (line.startsWith(prefix)) {
                String pattern = line.substring(prefix.length()).strip();
                if (pattern.isEmpty()) {
                    throw new IllegalArgumentException("line " + lineNumber + ": " + k.keyword + " has no pattern");
                }
                return new Directive(k, pattern, lineNumber);
            }
        }
        return null;
    }

    /** Null when {@code text} satisfies every directive, in order; else what failed and where. */
    static String check(List<Directive> directives, String text) {
        if (!directives.isEmpty() && directives.get(0).kind() == Kind.NEXT) {
            return "line " + directives.get(0).line() + ": check-next needs a check before it";
        }
        String[] lines = text.split("\n", -1);
        Map<String, String> captured = new HashMap<>();
        int at = -1; // the line the previous positive directive matched
        List<Directive> pendingNot = new ArrayList<>();
        for (Directive d : directives) {
            switch (d.kind()) {
                case NOT -> pendingNot.add(d);
                case NEXT -> {
                    int next = at + 1;
                    if (next >= lines.length || !matches(d, lines[next], captured)) {
                        return failure(d, "the line after line " + (at + 1) + " of the output", lines, next);
                    }
                    String bad = forbidden(pendingNot, lines, at + 1, next, captured);
                    if (bad != null) {
                        return bad;
                    }
                    pendingNot.clear();
                    at = next;
                }
                case CHECK -> {
                    int found = -1;
                    for (int i = at + 1; i < lines.length && found < 0; i++) {
                        if (matches(d, lines[i], captured)) {
                            found = i;
                        }
                    }
                    if (found < 0) {
                        return failure(d, "any line after line " + (at + 1) + " of the output", lines, at + 1);
                    }
                    String bad = forbidden(pendingNot, lines, at + 1, found, captured);
                    if (bad != null) {
                        return bad;
                    }
                    pendingNot.clear();
                    at = found;
                }
            }
        }
        return forbidden(pendingNot, lines, at + 1, lines.length, captured);
    }

    /** The first check-not whose pattern occurs on lines [from, to), described; null when none does. */
    private static String forbidden(
            List<Directive> nots, String[] lines, int from, int to, Map<String, String> captured) {
        for (Directive d : nots) {
            for (int i = from; i < to; i++) {
                if (matches(d, lines[i], new HashMap<>(captured))) {
                    return "line " + d.line() + ": check-not: " + d.pattern() + "\n  found on line " + (i + 1)
                            + " of the output: " + lines[i];
                }
            }
        }
        return null;
    }

    private static String failure(Directive d, String where, String[] lines, int near) {
        StringBuilder s = new StringBuilder("line " + d.line() + ": " + d.kind().keyword + ": " + d.pattern()
                + "\n  matches nothing on " + where + "; the output from there:\n");
        for (int i = Math.max(0, near); i < Math.min(lines.length, near + 4); i++) {
            s.append("    ").append(i + 1).append(": ").append(lines[i]).append('\n');
        }
        return s.toString();
    }

    /** Whether {@code line} contains the directive's pattern; new captures go into {@code captured} on a match. */
    private static boolean matches(Directive d, String line, Map<String, String> captured) {
        StringBuilder regex = new StringBuilder();
        List<String> names = new ArrayList<>();
        Matcher m = PIECE.matcher(d.pattern());
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(d.pattern().substring(last, m.start())));
            if (m.group(1) != null) {
                regex.append("(?:").append(m.group(1)).append(')');
            } else if (m.group(3) != null) {
                regex.append("(?<c")
                        .append(names.size())
                        .append('>')
                        .append(m.group(3))
                        .append(')');
                names.add(m.group(2));
            } else {
                String value = captured.get(m.group(2));
                if (value == null) {
                    throw new IllegalArgumentException(
                            "line " + d.line() + ": [[" + m.group(2) + "]] is used before it is captured");
                }
                regex.append(Pattern.quote(value));
            }
            last = m.end();
        }
        regex.append(Pattern.quote(d.pattern().substring(last)));
        Matcher found = Pattern.compile(regex.toString()).matcher(line);
        if (!found.find()) {
            return false;
        }
        for (int i = 0; i < names.size(); i++) {
            captured.put(names.get(i), found.group("c" + i));
        }
        return true;
    }
}
