package dev.yard.passes.fidelity;

import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a rewritten model must keep: bounds on metrics of its outputs against the original's,
 * all of which must hold, written {@code iou>=0.97}, {@code rel-l2<=0.02}, {@code ctc:out>=0.95}
 * (a bare number {@code E} reads as {@code rel-l2<=E}), joined with {@code ;}.
 */
public record Budget(List<Bound> bounds) {

    /** One bound: a metric's score at most (error) or at least (agreement) {@code limit}. */
    public record Bound(Metric metric, double limit) {
        /** The bound as written. */
        public String text() {
            return metric.text() + (metric.higherIsBetter() ? ">=" : "<=") + fmt(limit);
        }

        /**
         * How much of the allowed loss a score uses: 0 for a perfect score, 1 at the limit, above
         * 1 beyond it; what lets bounds on different metrics be compared and searched together.
         */
        public double usage(double score) {
            if (Double.isNaN(score)) {
                return Double.POSITIVE_INFINITY;
            }
            if (metric.higherIsBetter()) {
                double loss = 1 - score;
                double allowed = 1 - limit;
                if (allowed <= 0) {
                    return loss <= 0 ? 0 : Double.POSITIVE_INFINITY;
                }
                return Math.max(0, loss) / allowed;
            }
            return limit <= 0 ? (score <= 0 ? 0 : Double.POSITIVE_INFINITY) : Math.max(0, score) / limit;
        }
    }

    public Budget {
        bounds = List.copyOf(bounds);
        if (bounds.isEmpty()) {
            throw YardException.badInput("a budget needs at least one bound");
        }
    }

    /** The budget as written. */
    public String text() {
        return String.join(";", bounds.stream().map(Bound::text).toList());
    }

    /**
     * Parses a budget; {@code labels} are the evaluation inputs' labels where there are any
     * (for {@code digits}), else null.
     */
    public static Budget parse(String text, int[] labels) {
        List<Bound> out = new ArrayList<>();
        for (String part : text.split(";")) {
            String s = part.trim();
            if (s.isEmpty()) {
                continue;
            }
            int ge = s.indexOf(">=");
            int le = s.indexOf("<=");
            if (ge < 0 && le < 0) {
                double e = limit(text, s);
                out.add(new Bound(new Metric.RelL2(null), e));
                continue;
            }
            boolean atLeast = ge >= 0;
            int at = atLeast ? ge : le;
            Metric m = Metric.parse(s.substring(0, at), labels);
            if (m.higherIsBetter() != atLeast) {
                throw YardException.badInput("budget '" + s + "': " + m.text() + " is "
                        + (m.higherIsBetter()
                                ? "an agreement, bounded from below: write " + m.text() + ">=..."
                                : "an error, bounded from above: write " + m.text() + "<=..."));
            }
            double limit = limit(text, s.substring(at + 2));
            if (m.higherIsBetter() && limit > 1) {
                throw YardException.badInput("budget '" + s + "': " + m.text() + " is a share between 0 and 1");
            }
            out.add(new Bound(m, limit));
        }
        if (out.isEmpty()) {
            throw YardException.badInput("budget '" + text + "' has no bound");
        }
        return new Budget(out);
    }

    private static double limit(String budget, String s) {
        try {
            double v = Double.parseDouble(s.trim());
            if (Double.isFinite(v) && v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw YardException.badInput("budget '" + budget + "': '" + s.trim() + "' is not a number >= 0 (write e.g. "
                + "iou>=0.97 or rel-l2<=0.02)");
    }

    /** Scores {@code got} against {@code expected} on every bound. */
    public Evaluation evaluate(List<Map<String, Tensor>> expected, List<Map<String, Tensor>> got) {
        Scoring scoring = scoring();
        for (int i = 0; i < expected.size(); i++) {
            scoring.add(expected.get(i), got.get(i));
        }
        return scoring.evaluation();
    }

    /** A running evaluation on every bound: evaluation inputs added one at a time (see {@link Metric.Tally}). */
    public Scoring scoring() {
        return new Scoring();
    }

    /** Every bound's tally, and the relative error's. */
    public final class Scoring {
        private final List<Metric.Tally> tallies = new ArrayList<>();
        // The relative error is always known too: a smooth measure for ordering choices that a
        // coarse metric (a few masks, a few lines) scores alike.
        private final Metric.Tally relL2 = new Metric.RelL2(null).tally();

        private Scoring() {
            for (Bound b : bounds) {
                tallies.add(b.metric().tally());
            }
        }

        /** Counts one evaluation input: the original's outputs and the candidate's. */
        public void add(Map<String, Tensor> expected, Map<String, Tensor> got) {
            tallies.forEach(t -> t.add(expected, got));
            relL2.add(expected, got);
        }

        public Evaluation evaluation() {
            List<Evaluation.Score> scores = new ArrayList<>();
            for (int i = 0; i < bounds.size(); i++) {
                Bound b = bounds.get(i);
                double s = tallies.get(i).score();
                scores.add(new Evaluation.Score(b, s, b.usage(s)));
            }
            return new Evaluation(scores, relL2.score());
        }
    }

    static String fmt(double v) {
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) {
            return s;
        }
        s = s.contains(".") ? s.replaceAll("0+$", "") : s;
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
