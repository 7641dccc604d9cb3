package dev.yard.ir;

import java.util.Locale;

/**
 * An error Yard reports to its user. {@link #isBadInput()} separates faults in what the user
 * gave (exit code 2) from faults of Yard itself (exit code 1).
 */
public class YardException extends RuntimeException {
    private final boolean badInput;

    public YardException(String message, boolean badInput) {
        super(message);
        this.badInput = badInput;
    }

    public YardException(String message, boolean badInput, Throwable cause) {
        super(message, cause);
        this.badInput = badInput;
    }

    /** An error in the user's input: a malformed file, a bad option. */
    public static YardException badInput(String message) {
        return new YardException(message, true);
    }

    public static YardException badInput(String message, Throwable cause) {
        return new YardException(message, true, cause);
    }

    /**
     * {@code text} from the input (a name, a pipeline) made fit for a one-line message: line
     * breaks and other control characters are written as Java escapes ({@code \n}, {@code \t},
     * the others by their code), so that a name holding one cannot split the line the command
     * line prints.
     */
    public static String oneLine(String text) {
        if (text.chars().noneMatch(Character::isISOControl)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default ->
                    b.append(
                            Character.isISOControl(c)
                                    ? String.format(Locale.ROOT, "\\u%04x", (int) c)
                                    : String.valueOf(c));
            }
        }
        return b.toString();
    }

    public boolean isBadInput() {
        return badInput;
    }
}
