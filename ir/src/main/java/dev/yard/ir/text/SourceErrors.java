package dev.yard.ir.text;

import dev.yard.ir.YardException;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * The reader's errors: a {@link YardException#badInput bad-input} exception whose message is
 * one line, {@code source:line:column: what is wrong}, with the column counted from 1 (names
 * that hold line breaks are escaped).
 */
final class SourceErrors {
    private final String source;

    SourceErrors(String source) {
        this.source = source;
    }

    /** An error at the first token of {@code at}. */
    YardException at(ParserRuleContext at, String message) {
        return at(at.getStart(), message);
    }

    /** An error {@code offset} characters into token {@code at}, which may span lines. */
    YardException at(Token at, int offset, String message) {
        String text = at.getText();
        int line = at.getLine();
        int col = at.getCharPositionInLine() + 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return YardException.badInput(YardException.oneLine(source + ":" + line + ":" + col + ": " + message));
    }

    YardException at(Token at, String message) {
        return YardException.badInput(YardException.oneLine(
                source + ":" + at.getLine() + ":" + (at.getCharPositionInLine() + 1) + ": " + message));
    }
}
