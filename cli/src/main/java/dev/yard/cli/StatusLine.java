package dev.yard.cli;

import java.io.PrintWriter;

/**
 * One line of progress on a terminal, rewritten in place; silent when the output is not a
 * terminal (a build log or a pipe gets no carriage-return noise).
 */
final class StatusLine implements dev.yard.api.Progress {
    private final PrintWriter out;
    private int shown;

    private StatusLine(PrintWriter out) {
        this.out = out;
    }

    /** A status line on {@code err} when this process talks to a terminal, else a silent one. */
    static StatusLine forTerminal(PrintWriter err) {
        return new StatusLine(System.console() != null ? err : null);
    }

    @Override
    public void show(String text) {
        if (out == null) {
            return;
        }
        String t = text.length() > 100 ? text.substring(0, 97) + "..." : text;
        out.print("\r" + t + " ".repeat(Math.max(0, shown - t.length())));
        out.flush();
        shown = t.length();
    }

    @Override
    public void clear() {
        if (out == null || shown == 0) {
            return;
        }
        out.print("\r" + " ".repeat(shown) + "\r");
        out.flush();
        shown = 0;
    }
}
