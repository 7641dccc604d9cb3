package dev.yard.golden;

/** The first line where two texts differ, with a few lines of context: a diff a reader can take in. */
final class TextDiff {
    private static final int CONTEXT = 3;

    private TextDiff() {}

    /**
     * Null when equal; otherwise a description of the first differing line, numbered from
     * {@code firstLine} (where {@code expected} starts in its file).
     */
    static String firstDifference(String expected, String actual, int firstLine) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        int i = 0;
        while (i < e.length && i < a.length && e[i].stripTrailing().equals(a[i].stripTrailing())) {
            i++;
        }
        if (i == e.length && i == a.length) {
            return null;
        }
        StringBuilder s = new StringBuilder("first difference at line " + (firstLine + i) + ":\n");
        for (int k = Math.max(0, i - CONTEXT); k < i; k++) {
            s.append("    ").append(e[k]).append('\n');
        }
        s.append("  - ").append(i < e.length ? e[i] : "<end of text>").append('\n');
        s.append("  + ").append(i < a.length ? a[i] : "<end of text>").append('\n');
        for (int k = i + 1; k < Math.min(a.length, i + 1 + CONTEXT); k++) {
            s.append("  + ").append(a[k]).append('\n');
        }
        return s.toString();
    }
}
