package dev.yard.cli.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.YardException;

/**
 * How a fuzz target may refuse its input: with a bad-input {@link YardException} whose message
 * is not empty. Anything else thrown, or a refusal that breaks these rules, fails the target.
 */
final class BadInput {
    private BadInput() {}

    /**
     * Checks a refusal whose message the command line prints as its one line: it must also be a
     * single line starting with {@code source} (the file or option named).
     */
    static void checkOneLine(YardException e, String source) {
        check(e);
        String m = e.getMessage();
        assertTrue(m.startsWith(source), () -> "the message does not start with '" + source + "': " + m);
        assertFalse(m.contains("\n") || m.contains("\r"), () -> "the message is not one line: " + m);
    }

    /** Checks a refusal: bad input (not an internal fault), with a message that is not blank. */
    static void check(YardException e) {
        if (!e.isBadInput()) {
            throw new AssertionError("input refused as an internal fault", e);
        }
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("input refused without a message", e);
        }
    }
}
