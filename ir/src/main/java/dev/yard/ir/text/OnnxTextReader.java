package dev.yard.ir.text;

import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Reads a model written in ONNX's textual syntax (what {@code onnx.printer.to_text} writes and
 * {@code onnx.parser.parse_model} reads) into Yard's IR.
 *
 * <p>Errors are {@link YardException#badInput bad-input} exceptions with a one-line message
 * {@code source:line:column: what is wrong}, for the first problem found.
 */
public final class OnnxTextReader {
    /**
     * How deeply types may nest (seq(seq(...)), maps of maps): far beyond any real model, and
     * shallow enough that every pass, printer and writer can recurse over a type safely. The
     * binary reader holds to the same limit.
     */
    public static final int MAX_TYPE_DEPTH = 32;

    private OnnxTextReader() {}

    /**
     * How to read.
     *
     * @param allowDigests accept tensor contents given as {@code sha256:<hex>}, as compact
     *     printing writes them; such tensors become {@link dev.yard.ir.Tensor#placeholder
     *     placeholders} whose elements cannot be read
     */
    public record Options(boolean allowDigests) {
        /** Plain ONNX text: every tensor must give its elements. */
        public static final Options STRICT = new Options(false);
        /** Also accepts the digests of compact text (golden files). */
        public static final Options COMPACT = new Options(true);
    }

    /** Reads plain ONNX text; {@code sourceName} prefixes error messages (a file name, say). */
    public static Model parse(String text, String sourceName) {
        return parse(text, sourceName, Options.STRICT);
    }

    public static Model parse(String text, String sourceName, Options options) {
        ThrowingListener errors = new ThrowingListener(sourceName);
        OnnxTextLexer lexer = new OnnxTextLexer(CharStreams.fromString(text, sourceName));
        lexer.removeErrorListeners();
        lexer.addErrorListener(errors);
        OnnxTextParser parser = new OnnxTextParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(errors);
        try {
            OnnxTextParser.ModelContext tree = parser.model();
            return new ModelBuilder(sourceName, options.allowDigests()).model(tree);
        } catch (StackOverflowError e) {
            // The parser and the builder recurse once per level of nesting (types, subgraphs):
            // thousands of levels are not a model but an attack on the reader.
            throw YardException.badInput(
                    sourceName + ": nested too deeply to read (types or graphs thousands of levels deep)");
        }
    }

    /** Turns the first syntax error into a one-line {@link YardException}. */
    private static final class ThrowingListener extends BaseErrorListener {
        private final String source;

        ThrowingListener(String source) {
            this.source = source;
        }

        @Override
        public void syntaxError(
                Recognizer<?, ?> recognizer,
                Object offendingSymbol,
                int line,
                int col,
                String msg,
                RecognitionException e) {
            String what = msg;
            if (offendingSymbol instanceof Token t) {
                what = describe(t);
                if (e instanceof InputMismatchException || e == null) {
                    IntervalSet expected =
                            e != null ? e.getExpectedTokens() : ((OnnxTextParser) recognizer).getExpectedTokens();
                    String list = expected.toString(recognizer.getVocabulary());
                    if (expected.size() <= 4) {
                        what += "; expected "
                                + list.replace("{", "").replace("}", "").replace(", ", " or ");
                    }
                }
            }
            throw YardException.badInput(YardException.oneLine(source + ":" + line + ":" + (col + 1) + ": " + what));
        }

        private static String describe(Token t) {
            return switch (t.getType()) {
                case Token.EOF -> "unexpected end of input";
                case OnnxTextLexer.UNTERMINATED_STRING -> "unterminated string literal";
                case OnnxTextLexer.STRAY -> "unexpected character '" + t.getText() + "'";
                default -> "unexpected '" + abbreviate(t.getText()) + "'";
            };
        }

        private static String abbreviate(String s) {
            String oneLine = s.replace('\n', ' ');
            return oneLine.length() > 40 ? oneLine.substring(0, 37) + "..." : oneLine;
        }
    }
}
