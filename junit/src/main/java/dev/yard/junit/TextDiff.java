package dev.yard.junit;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Differences of an expectation and what a pipeline printed, as a unified diff whose expected
 * side is numbered as the golden file is (java-diff-utils computes the edit script).
 */
final class TextDiff {
    private static final int CONTEXT = 3;
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(,\\d+)? \\+(\\d+)(,\\d+)? @@");

    private TextDiff() {}

    /**
     * Null when equal (trailing spaces aside); otherwise a unified diff, {@code -} lines from the
     * expectation and {@code +} lines printed, hunks numbered from {@code firstLine} (where
     * {@code expected} starts in {@code file}).
     */
    static String unified(String file, String expected, String actual, int firstLine) {
        List<String> e = lines(expected);
        List<String> a = lines(actual);
        if (e.equals(a)) {
            return null;
        }
        Patch<String> patch = DiffUtils.diff(e, a);
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff(file + " (expected)", "actual", e, patch, CONTEXT);
        StringBuilder s = new StringBuilder();
        for (String line : diff) {
            Matcher m = HUNK.matcher(line);
            if (m.find()) {
                // The expectation's lines as numbered in the golden file; the printed ones as printed.
                int from = Integer.parseInt(m.group(1)) + firstLine - 1;
                line = "@@ -" + from + (m.group(2) == null ? "" : m.group(2)) + " +" + m.group(3)
                        + (m.group(4) == null ? "" : m.group(4)) + " @@" + line.substring(m.end());
            }
            s.append(line).append('\n');
        }
        return s.toString();
    }

    /** The lines of a text, trailing spaces dropped; a final line break ends the last line. */
    private static List<String> lines(String text) {
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        String[] parts = body.split("\n", -1);
        return Arrays.stream(parts).map(String::stripTrailing).toList();
    }
}
