package dev.yard.passes.decompose;

import dev.yard.ir.YardException;
import java.util.Locale;

/**
 * How a decomposition's ranks are chosen, as written in a pipeline option:
 * <ul>
 *   <li>{@code 16} — that rank (for every mode of the method);</li>
 *   <li>{@code 0.5} — that fraction of the full rank of each mode;</li>
 *   <li>{@code evbmf} or {@code evbmf:W} — estimated by empirical variational Bayes matrix
 *       factorisation (Nakajima et al. 2013), weakened toward full rank as MUSCO does:
 *       r = full − W·(full − r_EVBMF). {@code evbmf:1} is plain EVBMF; the default W = 0.5,
 *       because plain EVBMF takes most of a small, well-trained layer's spectrum for noise
 *       (LeNet's convs get ranks 1 and 4, and lose most of their accuracy without retraining);</li>
 *   <li>{@code err:0.05} — the smallest ranks whose relative weight error is at most 5%;</li>
 *   <li>{@code energy:0.95} — keep 95% of the squared singular values;</li>
 *   <li>{@code params:0.25} — ranks giving a quarter of the layer's parameters.</li>
 * </ul>
 */
public sealed interface RankSpec {

    /** A fixed rank. */
    record Fixed(int rank) implements RankSpec {}

    /** A fraction of the full rank of each mode, in (0, 1]. */
    record Fraction(double fraction) implements RankSpec {}

    /** Ranks estimated by EVBMF, weakened toward full rank by {@code weaken} in (0, 1] (1: plain EVBMF). */
    record Evbmf(double weaken) implements RankSpec {
        /** The weakening used by {@code evbmf} without a factor. */
        public static final double DEFAULT_WEAKEN = 0.5;

        /** The weakened rank of one mode. */
        int weakened(int evbmf, int full) {
            return (int) Math.round(full - weaken * (full - evbmf));
        }
    }

    /** The smallest ranks whose relative error stays within the bound. */
    record ErrorBound(double relativeError) implements RankSpec {}

    /** The smallest ranks keeping this fraction of the spectrum's energy. */
    record Energy(double fraction) implements RankSpec {}

    /** Ranks sized so the factors have this fraction of the layer's parameters. */
    record ParameterRatio(double ratio) implements RankSpec {}

    /** Parses the option text; errors name the text and say what is accepted. */
    static RankSpec parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("evbmf")) {
                return new Evbmf(Evbmf.DEFAULT_WEAKEN);
            }
            if (t.startsWith("evbmf:")) {
                return new Evbmf(fraction(t.substring(6), text));
            }
            if (t.startsWith("err:")) {
                return new ErrorBound(fraction(t.substring(4), text));
            }
            if (t.startsWith("energy:")) {
                return new Energy(fraction(t.substring(7), text));
            }
            if (t.startsWith("params:")) {
                return new ParameterRatio(fraction(t.substring(7), text));
            }
            if (t.matches("-[0-9.]+")) {
                throw YardException.badInput("rank '" + text + "' must be positive: a rank (16) or a fraction (0.5)");
            }
            if (t.matches("[0-9]+")) {
                int r = Integer.parseInt(t);
                if (r < 1) {
                    throw YardException.badInput("rank '" + text + "' must be at least 1");
                }
                return new Fixed(r);
            }
            return new Fraction(fraction(t, text));
        } catch (NumberFormatException e) {
            throw YardException.badInput("rank '" + text + "' is not understood: use a rank (16), a fraction "
                    + "(0.5), evbmf, evbmf:0.8, err:0.05, energy:0.95 or params:0.25");
        }
    }

    private static double fraction(String number, String text) {
        double v = Double.parseDouble(number);
        if (!(v > 0 && v <= 1)) {
            throw YardException.badInput("rank '" + text + "': " + number + " must lie in (0, 1]");
        }
        return v;
    }
}
