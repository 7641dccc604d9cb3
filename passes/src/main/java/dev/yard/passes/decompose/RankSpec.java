package dev.yard.passes.decompose;

import dev.yard.ir.YardException;
import java.util.Locale;

/**
 * How a decomposition's ranks are chosen, as written in a pipeline option:
 * <ul>
 *   <li>{@code 16} — that rank (for every mode of the method);</li>
 *   <li>{@code 0.5} — that fraction of the full rank of each mode;</li>
 *   <li>{@code evbmf} — estimated by empirical variational Bayes matrix factorisation;</li>
 *   <li>{@code err:0.05} — the smallest ranks whose relative weight error is at most 5%;</li>
 *   <li>{@code energy:0.95} — keep 95% of the squared singular values;</li>
 *   <li>{@code params:0.25} — ranks giving a quarter of the layer's parameters.</li>
 * </ul>
 */
public sealed interface RankSpec {

    /** A fixed rank. */
    record Fixed(int rank) implements RankSpec {
    }

    /** A fraction of the full rank of each mode, in (0, 1]. */
    record Fraction(double fraction) implements RankSpec {
    }

    /** Ranks estimated by EVBMF. */
    record Evbmf() implements RankSpec {
    }

    /** The smallest ranks whose relative error stays within the bound. */
    record ErrorBound(double relativeError) implements RankSpec {
    }

    /** The smallest ranks keeping this fraction of the spectrum's energy. */
    record Energy(double fraction) implements RankSpec {
    }

    /** Ranks sized so the factors have this fraction of the layer's parameters. */
    record ParameterRatio(double ratio) implements RankSpec {
    }

    /** Parses the option text; errors name the text and say what is accepted. */
    static RankSpec parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("evbmf")) {
                return new Evbmf();
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
                    + "(0.5), evbmf, err:0.05, energy:0.95 or params:0.25");
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
