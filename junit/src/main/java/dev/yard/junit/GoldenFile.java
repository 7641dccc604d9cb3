package dev.yard.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One golden file: a preamble of directives, then cases, each an input model, the pipeline's
 * expected output and the remarks it must make. The format, line by line:
 *
 * <pre>
 * # pipeline: fold-batchnorm,dce          preamble: the pipeline every case runs
 * # tolerance: rtol=1e-5 atol=1e-6        preamble: how close ONNX Runtime outputs must be
 * # opset: 17                             preamble: default opset of headerless inputs
 * # any other comment
 * # ----- case: one line saying what the case shows
 * # pipeline: dce                         optional, overrides the preamble for this case
 * # tolerance: rtol=1e-2 atol=1e-3        optional, likewise
 * g (float[1,3,8,8] x) => (...)           the input, in Yard's textual form; weights may be
 *    &lt;float[4,3,3,3] W = randn(seed=1)&gt;  generated (see {@link Weights})
 * { ... }
 * # expect:                               the output as compact text, or
 * # expect:                               followed by check lines ({@link FileCheck}): what
 * # check: PATTERN                        must hold of the output, instead of all of it, or
 * # expect: unchanged                     the pass must not fire (and must say so)
 * # skipped: BatchNormalization "bn": ... a remark the pipeline must make, one per line
 * </pre>
 *
 * Other {@code #} lines inside a case are comments. Blank lines around sections are ignored.
 */
record GoldenFile(Path path, List<String> preamble, List<Case> cases) {

    static final String CASE = "# ----- case:";
    static final String EXPECT = "# expect:";
    static final String SKIPPED = "# skipped:";
    static final String UNCHANGED = "unchanged";

    /**
     * One case. {@code directives} are its own {@code # key: value} lines before the input;
     * {@code expected} is null when the case expects its input unchanged, empty when it
     * {@code checks} its output instead.
     */
    record Case(
            String title,
            int line,
            List<String> directives,
            String input,
            int expectLine,
            String expected,
            List<FileCheck.Directive> checks,
            List<String> skipped) {
        boolean expectsUnchanged() {
            return expected == null;
        }

        boolean checksOutput() {
            return !checks.isEmpty();
        }

        /** The input without its directive and comment lines: what the model reader sees. */
        String modelText() {
            return withoutComments(input);
        }
    }

    static String withoutComments(String text) {
        StringBuilder out = new StringBuilder();
        for (String l : text.split("\n", -1)) {
            if (!l.startsWith("#")) {
                out.append(l).append('\n');
            }
        }
        return out.toString().strip() + "\n";
    }

    static GoldenFile read(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path);
        List<String> preamble = new ArrayList<>();
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith(CASE)) {
            preamble.add(lines.get(i++));
        }
        List<Case> cases = new ArrayList<>();
        while (i < lines.size()) {
            int start = i;
            String title = lines.get(i++).substring(CASE.length()).trim();
            List<String> directives = new ArrayList<>();
            StringBuilder input = new StringBuilder();
            boolean inModel = false;
            while (i < lines.size()
                    && !lines.get(i).startsWith(EXPECT)
                    && !lines.get(i).startsWith(CASE)) {
                String l = lines.get(i++);
                inModel |= !l.startsWith("#") && !l.isBlank();
                if (!inModel && l.matches("# [a-z-]+:.*")) {
                    directives.add(l);
                }
                input.append(l).append('\n');
            }
            if (i >= lines.size() || !lines.get(i).startsWith(EXPECT)) {
                throw new IllegalArgumentException(
                        path + ":" + (start + 1) + ": case '" + title + "' has no '" + EXPECT + "' line");
            }
            boolean unchanged = lines.get(i).substring(EXPECT.length()).trim().equals(UNCHANGED);
            i++;
            int expectLine = i + 1;
            StringBuilder expected = new StringBuilder();
            List<String> skipped = new ArrayList<>();
            List<FileCheck.Directive> checks = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).startsWith(CASE)) {
                String l = lines.get(i++);
                FileCheck.Directive check = FileCheck.parse(l, i);
                if (l.startsWith(SKIPPED)) {
                    skipped.add(l.substring(SKIPPED.length()).trim());
                } else if (check != null) {
                    checks.add(check);
                } else if (!l.startsWith("#")) {
                    expected.append(l).append('\n');
                }
            }
            if (!checks.isEmpty() && (unchanged || !expected.toString().isBlank())) {
                throw new IllegalArgumentException(path + ":" + (start + 1) + ": case '" + title
                        + "' both checks its output and " + (unchanged ? "expects it unchanged" : "gives it whole"));
            }
            cases.add(new Case(
                    title,
                    start + 1,
                    directives,
                    input.toString().strip() + "\n",
                    expectLine,
                    unchanged ? null : expected.toString().strip() + "\n",
                    List.copyOf(checks),
                    skipped));
        }
        return new GoldenFile(path, preamble, cases);
    }

    /** The value of directive {@code key} for case {@code c}: its own line, else the preamble's, else {@code dflt}. */
    String directive(Case c, String key, String dflt) {
        String v = find(c.directives(), key);
        if (v == null) {
            v = find(preamble, key);
        }
        return v == null ? dflt : v;
    }

    private static String find(List<String> lines, String key) {
        String prefix = "# " + key + ":";
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                return l.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    /**
     * The file with new expectations: the preamble, titles, directives and inputs stay as
     * written; each case's expect section is replaced by {@code actual} (null: unchanged) and
     * its skipped remarks, except a case's checks, which stay.
     */
    static String render(GoldenFile file, List<String> actual, List<List<String>> skipped) {
        StringBuilder out = new StringBuilder();
        for (String l : file.preamble()) {
            out.append(l).append('\n');
        }
        for (int k = 0; k < file.cases().size(); k++) {
            Case c = file.cases().get(k);
            out.append(CASE).append(' ').append(c.title()).append('\n');
            out.append(c.input());
            if (c.checksOutput()) {
                // Checks say what matters; they are kept as written, not replaced by the output.
                out.append(EXPECT).append('\n');
                for (FileCheck.Directive d : c.checks()) {
                    out.append("# ")
                            .append(d.kind().keyword)
                            .append(": ")
                            .append(d.pattern())
                            .append('\n');
                }
            } else {
                out.append(EXPECT).append(actual.get(k) == null ? " " + UNCHANGED + "\n" : "\n" + actual.get(k));
            }
            for (String s : skipped.get(k)) {
                out.append(SKIPPED).append(' ').append(s).append('\n');
            }
            if (k + 1 < file.cases().size()) {
                out.append('\n');
            }
        }
        return out.toString();
    }
}
