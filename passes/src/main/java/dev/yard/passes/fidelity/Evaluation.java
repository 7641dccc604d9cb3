package dev.yard.passes.fidelity;

import java.util.List;
import java.util.Locale;

/**
 * A candidate model's fidelity: its score on each bound of the budget, and the relative L2
 * error of its outputs (always measured, for ordering).
 */
public record Evaluation(List<Score> scores, double relL2) {

    /** One bound's score and how much of its allowed loss that uses (1 = at the limit). */
    public record Score(Budget.Bound bound, double value, double usage) {
        public String describe() {
            return String.format(Locale.ROOT, "%s %s", bound.metric().text(), Budget.fmt(round(value)));
        }

        private static double round(double v) {
            return Double.isFinite(v) ? Double.parseDouble(String.format(Locale.ROOT, "%.4g", v)) : v;
        }
    }

    public Evaluation {
        scores = List.copyOf(scores);
    }

    /** The largest share of its allowed loss any bound uses: at most 1 when the budget holds. */
    public double usage() {
        double u = 0;
        for (Score s : scores) {
            u = Math.max(u, s.usage());
        }
        return u;
    }

    public boolean meets() {
        return usage() <= 1;
    }

    /** "iou 0.981, rel-l2 0.0123". */
    public String describe() {
        return String.join(", ", scores.stream().map(Score::describe).toList());
    }
}
