package dev.yard.ir.text;

import dev.yard.ir.ElementType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Set;

/**
 * The lexical conventions of ONNX's textual syntax, shared by reader and printer: which names
 * need quotes, how strings escape, and how numbers are spelled so that they read back
 * bit-exactly.
 */
final class TextSyntax {
    /** Words the ONNX parser takes as types or numbers wherever a name could also stand. */
    private static final Set<String> KEYWORDS = Set.of("seq", "map", "optional", "sparse_tensor", "opaque");

    private TextSyntax() {}

    /** True when ONNX's parser reads {@code s} as a bare identifier: {@code [A-Za-z_][A-Za-z0-9_]*}. */
    static boolean isIdentifier(String s) {
        if (s.isEmpty() || !(isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isLetter(c) || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * A name as it must be written: bare when it is an identifier the ONNX parser cannot
     * mistake for a type or a number (a value called {@code float} or {@code nan} would be),
     * quoted otherwise.
     */
    static String name(String s) {
        if (isIdentifier(s) && !isReservedWord(s)) {
            return s;
        }
        return quote(s);
    }

    static boolean isReservedWord(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        return ElementType.fromTextName(s) != null
                || KEYWORDS.contains(s)
                || lower.equals("inf")
                || lower.equals("infinity")
                || lower.equals("nan");
    }

    /** A string literal: only the quote and the backslash are escaped, as ONNX does. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** The contents of a string literal token: a backslash takes the next character literally. */
    static String unquote(String token) {
        String body = token.substring(1, token.length() - 1);
        if (body.indexOf('\\') < 0) {
            return body;
        }
        StringBuilder b = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                c = body.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Whether a number token is spelled as an integer. */
    static boolean isIntegerToken(String text) {
        int i = text.startsWith("-") ? 1 : 0;
        if (i == text.length()) {
            return false;
        }
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Whether a token is one of ONNX's special float words, with an optional minus. */
    static boolean isSpecialFloat(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.startsWith("-")) {
            t = t.substring(1);
        }
        return t.equals("inf") || t.equals("infinity") || t.equals("nan");
    }

    /**
     * Parses a number token (integer, decimal or special word) as a double, or as a float when
     * {@code single}. Rounding goes straight to the target precision.
     *
     * @throws NumberFormatException when it is not a number or overflows the target type
     */
    static double parseReal(String text, boolean single) {
        if (isSpecialFloat(text)) {
            boolean negative = text.startsWith("-");
            String word = text.substring(negative ? 1 : 0).toLowerCase(Locale.ROOT);
            if (word.equals("nan")) {
                // ONNX reads "nan" and "-nan" as the quiet NaN with the given sign.
                return single
                        ? Float.intBitsToFloat(negative ? 0xffc00000 : 0x7fc00000)
                        : Double.longBitsToDouble(negative ? 0xfff8000000000000L : 0x7ff8000000000000L);
            }
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (!looksNumeric(text)) {
            throw new NumberFormatException("'" + text + "' is not a number");
        }
        double v = single ? Float.parseFloat(text) : Double.parseDouble(text);
        if (Double.isInfinite(v)) {
            throw new NumberFormatException(text + " is out of range for " + (single ? "float" : "double"));
        }
        return v;
    }

    private static boolean looksNumeric(String text) {
        int i = text.startsWith("-") ? 1 : 0;
        return i < text.length()
                && text.charAt(i) >= '0'
                && text.charAt(i) <= '9'
                && text.chars()
                        .allMatch(c ->
                                (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-');
    }

    /** A float in the shortest form that reads back to the same bits (NaN payloads aside). */
    static String formatFloat(float v) {
        if (Float.isNaN(v)) {
            return Float.floatToRawIntBits(v) < 0 ? "-nan" : "nan";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return Float.floatToRawIntBits(v) < 0 ? "-0" : "0";
        }
        BigDecimal exact = new BigDecimal(v);
        int javaDigits = new BigDecimal(Float.toString(v)).stripTrailingZeros().precision();
        return spell(shortest(exact, javaDigits, s -> Float.parseFloat(s) == v));
    }

    /**
     * A float attribute value: as {@link #formatFloat}, but never spelled like an integer,
     * because onnx.parser stores an integer-looking literal as an int even after {@code : float},
     * which ONNX Runtime then rejects as a type mismatch.
     */
    static String formatFloatAttribute(float v) {
        String s = formatFloat(v);
        return s.chars().anyMatch(c -> c == '.' || c == 'e' || c == 'n') ? s : s + ".0";
    }

    /** A double in the shortest form that reads back to the same bits (NaN payloads aside). */
    static String formatDouble(double v) {
        if (Double.isNaN(v)) {
            return Double.doubleToRawLongBits(v) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        }
        BigDecimal exact = new BigDecimal(v);
        int javaDigits = new BigDecimal(Double.toString(v)).stripTrailingZeros().precision();
        return spell(shortest(exact, javaDigits, s -> Double.parseDouble(s) == v));
    }

    /**
     * The decimal with fewest significant digits, nearest to {@code exact} among those, that
     * reads back to the same value. Java's own {@code toString} always reads back but
     * sometimes carries a digit too many, so the search starts just below its length.
     */
    private static BigDecimal shortest(
            BigDecimal exact, int javaDigits, java.util.function.Predicate<String> readsBack) {
        BigDecimal best = exact.round(new MathContext(javaDigits, RoundingMode.HALF_EVEN));
        if (!readsBack.test(best.toString())) {
            best = exact.round(new MathContext(javaDigits + 1, RoundingMode.HALF_EVEN));
        }
        for (int p = javaDigits - 1; p >= 1; p--) {
            BigDecimal c = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (!readsBack.test(c.toString())) {
                break;
            }
            best = c;
        }
        return best.stripTrailingZeros();
    }

    /**
     * Writes a decimal the way C++'s {@code std::to_chars} does (which onnx.printer uses): plain
     * or scientific notation, whichever is shorter, plain on a tie; exponents have a sign and
     * at least two digits.
     */
    private static String spell(BigDecimal d) {
        String sign = d.signum() < 0 ? "-" : "";
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String plain;
        if (exponent >= 0) {
            plain = digits.length() <= exponent + 1
                    ? digits + "0".repeat(exponent + 1 - digits.length())
                    : digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
        } else {
            plain = "0." + "0".repeat(-exponent - 1) + digits;
        }
        String scientific = digits.charAt(0) + (digits.length() > 1 ? "." + digits.substring(1) : "") + "e"
                + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        return sign + (plain.length() <= scientific.length() ? plain : scientific);
    }
}
