package dev.yard.ir;

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

    public boolean isBadInput() {
        return badInput;
    }
}
