package dev.yard.passes.fidelity;

import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import dev.yard.ir.analysis.RelativeL2;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a candidate's outputs are judged against the original's on evaluation inputs. Each
 * metric scores one output, or every output (the worst one counts, so that one large output
 * cannot hide another's damage). Outputs are read batch first; class scores lie on the last
 * axis for rank 2 and 3 ({@code [N, C]}, {@code [N, T, C]}) and on axis 1 for rank 4
 * ({@code [N, C, H, W]}).
 */
public sealed interface Metric {
    /** The metric as written in a budget: {@code iou:mask:0.5}. */
    String text();

    /** Whether larger scores are better (agreement) or worse (error). */
    boolean higherIsBetter();

    /**
     * A running score: one evaluation input's outputs added at a time, so that a caller can
     * let each candidate output go once it is counted (IS-Net's twelve outputs come to 118 MB
     * an image).
     */
    interface Tally {
        /** Counts one evaluation input: the original's outputs and the candidate's. */
        void add(Map<String, Tensor> expected, Map<String, Tensor> got);

        /** The score of what was added. */
        double score();
    }

    /** A tally of nothing yet. */
    Tally tally();

    /**
     * The score of {@code got} against {@code expected}, one map of outputs per evaluation input
     * (label metrics read {@code got} alone and take no {@code expected}).
     */
    default double score(List<Map<String, Tensor>> expected, List<Map<String, Tensor>> got) {
        Tally t = tally();
        for (int i = 0; i < got.size(); i++) {
            t.add(i < expected.size() ? expected.get(i) : Map.of(), got.get(i));
        }
        return t.score();
    }

    /** One output's running score. */
    interface OutputTally {
        /** Counts one evaluation input's value of the output; {@code got} null when the candidate lacks it. */
        void add(Tensor expected, Tensor got);

        double score();
    }

    /**
     * Tallies kept per output read (the one named, else all, fixed by the first input added),
     * the worst output's score counting: the largest for an error, the smallest for an
     * agreement ({@code higherIsBetter}), so that one large output cannot hide another's damage.
     */
    final class PerOutput implements Tally {
        private final String output;
        private final boolean higherIsBetter;
        private final java.util.function.Supplier<OutputTally> fresh;
        private final Map<String, OutputTally> tallies = new java.util.LinkedHashMap<>();

        PerOutput(String output, boolean higherIsBetter, java.util.function.Supplier<OutputTally> fresh) {
            this.output = output;
            this.higherIsBetter = higherIsBetter;
            this.fresh = fresh;
        }

        @Override
        public void add(Map<String, Tensor> expected, Map<String, Tensor> got) {
            if (tallies.isEmpty()) {
                for (String o : outputs(output, expected)) {
                    tallies.put(o, fresh.get());
                }
            }
            tallies.forEach((o, t) -> t.add(expected.get(o), got.get(o)));
        }

        @Override
        public double score() {
            double worst = higherIsBetter ? 1 : 0;
            for (OutputTally t : tallies.values()) {
                double v = t.score();
                worst = higherIsBetter ? Math.min(worst, v) : Math.max(worst, v);
            }
            return worst;
        }
    }

    /** Agreement counted over items (masks, rows, lines): 0 once the candidate lacks the output, 1 with no items. */
    abstract class Agreement implements OutputTally {
        private double sum;
        private long items;
        private boolean missing;

        /** Adds each item's agreement (1 or a share) to {@code counts}: [sum, items]. */
        abstract void count(Tensor expected, Tensor got, double[] counts);

        @Override
        public final void add(Tensor expected, Tensor got) {
            if (got == null) {
                missing = true;
                return;
            }
            double[] c = new double[2];
            count(expected, got, c);
            sum += c[0];
            items += (long) c[1];
        }

        @Override
        public final double score() {
            return missing ? 0 : items == 0 ? 1 : sum / items;
        }
    }

    /** Parses {@code rel-l2[:OUT]}, {@code iou[:OUT[:T]]}, {@code argmax[:OUT]}, {@code ctc[:OUT[:BLANK]]}, {@code labels}. */
    static Metric parse(String text, int[] labels) {
        String[] p = text.trim().split(":", -1);
        String output = p.length > 1 && !p[1].isEmpty() ? p[1] : null;
        switch (p[0]) {
            case "rel-l2" -> {
                arity(text, p, 2);
                return new RelL2(output);
            }
            case "iou" -> {
                arity(text, p, 3);
                return new Iou(output, p.length > 2 ? number(text, p[2]) : 0.5);
            }
            case "argmax" -> {
                arity(text, p, 2);
                return new Argmax(output);
            }
            case "ctc" -> {
                arity(text, p, 3);
                double blank = p.length > 2 ? number(text, p[2]) : 0;
                if (blank != Math.rint(blank) || blank < 0) {
                    throw YardException.badInput("metric '" + text + "': the blank class must be a whole number >= 0");
                }
                return new Ctc(output, (int) blank);
            }
            case "digits", "labels" -> {
                arity(text, p, 1);
                if (labels == null) {
                    throw YardException.badInput("metric '" + text + "' needs labelled evaluation inputs: only the "
                            + "built-in LeNet has them (its 62 digits)");
                }
                return new Labels(p[0], labels);
            }
            default ->
                throw YardException.badInput(
                        "unknown metric '" + p[0] + "' (known: rel-l2, iou, argmax, ctc, " + "digits)");
        }
    }

    private static void arity(String text, String[] p, int max) {
        if (p.length > max) {
            throw YardException.badInput(
                    "metric '" + text + "' has " + (p.length - 1) + " arguments, at most " + (max - 1) + " expected");
        }
    }

    private static double number(String text, String s) {
        try {
            double v = Double.parseDouble(s);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw YardException.badInput("metric '" + text + "': '" + s + "' is not a number");
    }

    /** The outputs a metric reads: the one named, else all, in the order the model gives them. */
    private static List<String> outputs(String output, Map<String, Tensor> sample) {
        if (output == null) {
            return new ArrayList<>(sample.keySet());
        }
        if (!sample.containsKey(output)) {
            throw YardException.badInput("metric: the model has no output '" + output + "' (outputs: "
                    + String.join(", ", sample.keySet()) + ")");
        }
        return List.of(output);
    }

    /** Relative L2 error, the worst over the outputs read. */
    record RelL2(String output) implements Metric {
        @Override
        public String text() {
            return output == null ? "rel-l2" : "rel-l2:" + output;
        }

        @Override
        public boolean higherIsBetter() {
            return false;
        }

        @Override
        public Tally tally() {
            return new PerOutput(output, false, () -> new OutputTally() {
                private final RelativeL2 e = new RelativeL2();
                private boolean missing;

                @Override
                public void add(Tensor expected, Tensor got) {
                    if (got == null) {
                        missing = true;
                    } else {
                        e.add(expected.toFloatArray(), got.toFloatArray());
                    }
                }

                @Override
                public double score() {
                    return missing || Double.isNaN(e.value()) ? Double.POSITIVE_INFINITY : e.value();
                }
            });
        }
    }

    /**
     * Mask agreement: both outputs thresholded, intersection over union per image (1 when both
     * masks are empty), averaged over the images; the worst over the outputs read.
     */
    record Iou(String output, double threshold) implements Metric {
        @Override
        public String text() {
            return "iou" + (output == null ? "" : ":" + output)
                    + (threshold == 0.5
                            ? ""
                            : (output == null ? "::" : ":") + String.format(Locale.ROOT, "%s", threshold));
        }

        @Override
        public boolean higherIsBetter() {
            return true;
        }

        @Override
        public Tally tally() {
            return new PerOutput(output, true, () -> new Agreement() {
                @Override
                void count(Tensor e, Tensor g, double[] counts) {
                    float[] a = e.toFloatArray();
                    float[] b = g.toFloatArray();
                    int batch = e.rank() == 0 ? 1 : (int) Math.max(1, e.dims()[0]);
                    int per = a.length / batch;
                    for (int n = 0; n < batch; n++) {
                        long inter = 0;
                        long union = 0;
                        for (int k = n * per; k < (n + 1) * per; k++) {
                            boolean x = a[k] > threshold;
                            boolean y = b[k] > threshold;
                            if (x && y) {
                                inter++;
                            }
                            if (x || y) {
                                union++;
                            }
                        }
                        counts[0] += union == 0 ? 1 : (double) inter / union;
                        counts[1]++;
                    }
                }
            });
        }
    }

    /** Agreement of the predicted class (the largest score) per row, the worst over the outputs read. */
    record Argmax(String output) implements Metric {
        @Override
        public String text() {
            return output == null ? "argmax" : "argmax:" + output;
        }

        @Override
        public boolean higherIsBetter() {
            return true;
        }

        @Override
        public Tally tally() {
            return new PerOutput(output, true, () -> new Agreement() {
                @Override
                void count(Tensor e, Tensor g, double[] counts) {
                    int[] a = Classes.argmax(e);
                    int[] b = Classes.argmax(g);
                    for (int k = 0; k < a.length; k++) {
                        if (a[k] == b[k]) {
                            counts[0]++;
                        }
                    }
                    counts[1] += a.length;
                }
            });
        }
    }

    /**
     * Greedy CTC agreement for text recognisers ({@code [N, T, C]} scores): the share of
     * sequences whose decoded labels (best class per step, repeats merged, blanks dropped) are
     * the same; the worst over the outputs read.
     */
    record Ctc(String output, int blank) implements Metric {
        @Override
        public String text() {
            return "ctc" + (output == null ? "" : ":" + output)
                    + (blank == 0 ? "" : (output == null ? "::" : ":") + blank);
        }

        @Override
        public boolean higherIsBetter() {
            return true;
        }

        @Override
        public Tally tally() {
            return new PerOutput(output, true, () -> new Agreement() {
                @Override
                void count(Tensor e, Tensor g, double[] counts) {
                    List<int[]> a = decode(e, blank);
                    List<int[]> b = decode(g, blank);
                    for (int k = 0; k < a.size(); k++) {
                        if (Arrays.equals(a.get(k), b.get(k))) {
                            counts[0]++;
                        }
                    }
                    counts[1] += a.size();
                }
            });
        }

        /** The greedy decoding of each sequence of an {@code [N, T, C]} tensor. */
        public static List<int[]> decode(Tensor scores, int blank) {
            if (scores.rank() != 3) {
                throw YardException.badInput(
                        "metric ctc: output of shape " + Arrays.toString(scores.dims()) + " is not [N, T, C]");
            }
            int n = (int) scores.dims()[0];
            int t = (int) scores.dims()[1];
            int[] best = Classes.argmax(scores);
            List<int[]> out = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                int[] seq = new int[t];
                int len = 0;
                int prev = -1;
                for (int k = 0; k < t; k++) {
                    int c = best[s * t + k];
                    if (c != prev && c != blank) {
                        seq[len++] = c;
                    }
                    prev = c;
                }
                out.add(Arrays.copyOf(seq, len));
            }
            return out;
        }
    }

    /** Accuracy against known labels (the built-in LeNet's digits): the share of rows whose class is the label. */
    record Labels(String name, int[] labels) implements Metric {
        @Override
        public String text() {
            return name;
        }

        @Override
        public boolean higherIsBetter() {
            return true;
        }

        @Override
        public Tally tally() {
            return new Tally() {
                private long right;
                private long rows;

                @Override
                public void add(Map<String, Tensor> expected, Map<String, Tensor> got) {
                    int[] c = Classes.argmax(got.values().iterator().next());
                    for (int k = 0; k < c.length; k++, rows++) {
                        if (rows < labels.length && c[k] == labels[(int) rows]) {
                            right++;
                        }
                    }
                }

                @Override
                public double score() {
                    return rows == 0 ? 0 : (double) right / Math.max(rows, labels.length);
                }
            };
        }
    }
}
