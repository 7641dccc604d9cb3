package dev.yard.passes.linalg;

/**
 * Turns a target (kept energy, a parameter or multiply-add budget, a hardware multiple) into
 * ranks for the chains of DESIGN.md's factorized-conv family. Data-driven ranks come from
 * {@link Evbmf}; this class holds the arithmetic of the budgets.
 */
public final class RankSelection {
    private RankSelection() {}

    /** What a budget is a fraction of. */
    public enum Budget {
        PARAMETERS,
        MACS
    }

    /** A conv layer's geometry: kernel [Cout, Cin, kh, kw], groups of a btd chain, input and output pixels. */
    public record Layer(int cout, int cin, int kh, int kw, long inputPixels, long outputPixels) {
        public static Layer of(int cout, int cin, int kh, int kw) {
            return new Layer(cout, cin, kh, kw, 1, 1);
        }

        long denseParameters() {
            return (long) cout * cin * kh * kw;
        }
    }

    /** Smallest r whose leading singular values hold at least {@code fraction} of the energy. */
    public static int energyRank(double[] singularValues, double fraction) {
        double total = 0;
        for (double s : singularValues) {
            total += s * s;
        }
        double kept = 0;
        for (int r = 0; r < singularValues.length; r++) {
            kept += singularValues[r] * singularValues[r];
            if (kept >= fraction * total) {
                return r + 1;
            }
        }
        return singularValues.length;
    }

    /** Rounds to the nearest multiple (never below one multiple, never above max). */
    public static int roundToMultiple(int rank, int multiple, int max) {
        if (multiple <= 1) {
            return Math.max(1, Math.min(rank, max));
        }
        int r = Math.max(multiple, (int) Math.round((double) rank / multiple) * multiple);
        return Math.min(r, max);
    }

    /** Parameters of a chain; ranks are [R] (svd, cp), [Rout, Rin] (tucker2, btd) or [r1, r2, r3] (tt). */
    public static long parameters(Method method, Layer l, int groups, int... ranks) {
        return cost(method, l, groups, ranks, false);
    }

    /** Multiply-adds of a chain for one image: the first 1x1 runs at the input resolution, the rest at the output. */
    public static long macs(Method method, Layer l, int groups, int... ranks) {
        return cost(method, l, groups, ranks, true);
    }

    private static long cost(Method method, Layer l, int groups, int[] r, boolean macs) {
        return macs ? method.cost(l, groups, r, l.inputPixels(), l.outputPixels()) : method.cost(l, groups, r, 1, 1);
    }

    /**
     * The largest ranks, scaled uniformly from the method's full ranks and rounded to
     * {@code multiple}, whose cost is at most {@code fraction} of the dense layer's.
     * Returns an empty array when even the smallest ranks do not fit.
     */
    public static int[] ranksForBudget(
            Method method, Layer l, int groups, double fraction, Budget budget, int multiple) {
        long dense = budget == Budget.PARAMETERS ? l.denseParameters() : l.denseParameters() * l.outputPixels();
        double limit = fraction * dense;
        int[] full = method.fullRanks(l.cout(), l.cin(), l.kh(), l.kw(), groups);
        int step = Math.max(1, multiple) * (method == Method.BTD ? groups : 1);
        int[] best = new int[0];
        // Costs grow monotonically with the scale, so bisection on it finds the largest fit.
        double lo = 0, hi = 1;
        for (int i = 0; i < 60; i++) {
            double mid = 0.5 * (lo + hi);
            int[] r = scaled(full, mid, step);
            if (cost(method, l, groups, r, budget == Budget.MACS) <= limit) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        int[] r = scaled(full, lo, step);
        if (cost(method, l, groups, r, budget == Budget.MACS) <= limit) {
            best = r;
        }
        return best;
    }

    private static int[] scaled(int[] full, double scale, int step) {
        int[] r = new int[full.length];
        for (int i = 0; i < r.length; i++) {
            int want = (int) Math.floor(full[i] * scale);
            int rounded = (want / step) * step;
            r[i] = Math.max(Math.min(step, full[i]), Math.min(rounded, full[i]));
        }
        return r;
    }

    /** Tucker-2 ranks (Rout, Rin) from EVBMF on the two channel unfoldings (Kim et al. 2016). */
    public static int[] evbmfTucker2Ranks(DenseTensor kernel, int multiple) {
        TuckerTwo.checkKernel(kernel);
        int cout = kernel.dim(0);
        int cin = kernel.dim(1);
        int s = kernel.dim(2) * kernel.dim(3);
        int rout = Evbmf.estimate(kernel).rank();
        DenseTensor mode1 = DenseTensor.of(Dense.swap01(kernel.data(), cout, cin, s), cin, cout * s);
        int rin = Evbmf.estimate(mode1).rank();
        return new int[] {
            roundToMultiple(Math.max(1, rout), multiple, Math.min(cout, cin * s)),
            roundToMultiple(Math.max(1, rin), multiple, Math.min(cin, cout * s))
        };
    }
}
