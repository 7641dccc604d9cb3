package dev.yard.passes.linalg;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The chains of DESIGN.md's factorized-conv family, by their pipeline names: what
 * {@code decompose} applies and what the numerical core fits and prices.
 */
public enum Method {
    /** One conv of rank r, then a 1x1 conv: a truncated SVD of the kernel matrix. */
    SVD(1) {
        @Override
        public int[] fullRanks(int cout, int cin, int kh, int kw, int groups) {
            return new int[] {Math.min(cout, cin * kh * kw)};
        }

        @Override
        long cost(RankSelection.Layer l, int groups, int[] r, long in, long out) {
            return (long) r[0] * l.cin() * l.kh() * l.kw() * out + (long) r[0] * l.cout() * out;
        }

        @Override
        public int[] evbmfRanks(DenseTensor kernel) {
            return matrixEvbmf(kernel);
        }

        @Override
        public int refitFactor() {
            return 0;
        }
    },
    /** 1x1 down to r2 channels, the kh x kw core from r2 to r1, 1x1 up: a Tucker-2 of the kernel. */
    TUCKER2(2) {
        @Override
        public int[] fullRanks(int cout, int cin, int kh, int kw, int groups) {
            int s = kh * kw;
            return new int[] {Math.min(cout, cin * s), Math.min(cin, cout * s)};
        }

        @Override
        long cost(RankSelection.Layer l, int groups, int[] r, long in, long out) {
            return (long) l.cin() * r[1] * in
                    + (long) r[1] * r[0] * l.kh() * l.kw() * out
                    + (long) r[0] * l.cout() * out;
        }

        @Override
        public int[] evbmfRanks(DenseTensor kernel) {
            return RankSelection.evbmfTucker2Ranks(kernel, 1);
        }

        @Override
        public int refitFactor() {
            return 1;
        }
    },
    /** Tucker-2 with a grouped core: {@code groups} block terms side by side. */
    BTD(2) {
        @Override
        public int[] fullRanks(int cout, int cin, int kh, int kw, int groups) {
            // Every block may hold a whole Tucker-2 term; at these ranks the chain is exact.
            int s = kh * kw;
            return new int[] {groups * Math.min(cout, cin * s), groups * Math.min(cin, cout * s)};
        }

        @Override
        long cost(RankSelection.Layer l, int groups, int[] r, long in, long out) {
            return (long) l.cin() * r[1] * in
                    + (long) r[1] * r[0] * l.kh() * l.kw() / groups * out
                    + (long) r[0] * l.cout() * out;
        }

        @Override
        public int[] evbmfRanks(DenseTensor kernel) {
            return RankSelection.evbmfTucker2Ranks(kernel, 1);
        }

        @Override
        public int[] evbmfCeiling(int cout, int cin, int kh, int kw, int groups) {
            // Weakened toward one Tucker-2 term's ranks: the G blocks share them.
            return TUCKER2.fullRanks(cout, cin, kh, kw, 1);
        }
    },
    /** 1x1 to r, a kh x 1 and a 1 x kw depthwise pair, 1x1 back: a CP decomposition. */
    CP(1) {
        @Override
        public int[] fullRanks(int cout, int cin, int kh, int kw, int groups) {
            // One component per (channel, tap) always reproduces the kernel exactly.
            return new int[] {Math.min(cin, cout) * kh * kw};
        }

        @Override
        long cost(RankSelection.Layer l, int groups, int[] r, long in, long out) {
            return (long) r[0] * l.cin() * in + (long) r[0] * (l.kh() + l.kw()) * out + (long) r[0] * l.cout() * out;
        }

        @Override
        public int[] evbmfRanks(DenseTensor kernel) {
            return matrixEvbmf(kernel);
        }
    },
    /** 1x1 to r1, kh x 1 to r2, 1 x kw to r3, 1x1 out: a tensor train of the kernel. */
    TT(3) {
        @Override
        public int[] fullRanks(int cout, int cin, int kh, int kw, int groups) {
            int r1 = Math.min(cin, kh * kw * cout);
            int r2 = Math.min(r1 * kh, kw * cout);
            return new int[] {r1, r2, Math.min(r2 * kw, cout)};
        }

        @Override
        long cost(RankSelection.Layer l, int groups, int[] r, long in, long out) {
            return (long) l.cin() * r[0] * in
                    + (long) r[0] * r[1] * l.kh() * out
                    + (long) r[1] * r[2] * l.kw() * out
                    + (long) r[2] * l.cout() * out;
        }

        @Override
        public int[] evbmfRanks(DenseTensor kernel) {
            int[] t = RankSelection.evbmfTucker2Ranks(kernel, 1);
            return new int[] {t[1], Math.max(t[0], t[1]), t[0]};
        }

        @Override
        public int refitFactor() {
            return 2;
        }
    };

    private final int modes;

    Method(int modes) {
        this.modes = modes;
    }

    /** How many ranks a chain of this method has (the length of {@link #fullRanks}). */
    public int modes() {
        return modes;
    }

    /** Pipeline name: {@code svd}, {@code tucker2}, ... */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every pipeline name, plus {@code auto}. */
    public static List<String> choices() {
        List<String> c = new java.util.ArrayList<>(
                Arrays.stream(values()).map(Method::text).toList());
        c.add(0, "auto");
        return c;
    }

    public static Method of(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }

    /**
     * The largest useful ranks of each mode of this chain for a {@code cout x cin x kh x kw}
     * kernel (btd: of {@code groups} blocks): the ranks at which it holds the kernel exactly.
     * Rank fractions, budgets and candidate grids all scale from these.
     */
    public abstract int[] fullRanks(int cout, int cin, int kh, int kw, int groups);

    /**
     * Parameters ({@code in = out = 1}) or multiply-adds of the chain at ranks {@code r}: the
     * first 1x1 runs at the input's {@code in} pixels, the rest at the output's {@code out}.
     */
    abstract long cost(RankSelection.Layer l, int groups, int[] r, long in, long out);

    /** Ranks estimated by variational Bayes (EVBMF) from the kernel [Cout, Cin, kh, kw]. */
    public abstract int[] evbmfRanks(DenseTensor kernel);

    /** What EVBMF's ranks are weakened toward (by {@code rank=evbmf:W}): the full ranks by default. */
    public int[] evbmfCeiling(int cout, int cin, int kh, int kw, int groups) {
        return fullRanks(cout, cin, kh, kw, groups);
    }

    /**
     * Which factor of the chain is solved again after the others are rounded to f16/bf16
     * (it must be followed by at most one 1x1 conv), or -1 when the chain is rounded as fitted.
     */
    public int refitFactor() {
        return -1;
    }

    /** Whether the chain factors the kernel's window (so that a 1x1 conv has nothing to factor). */
    public boolean needsSpatialKernel() {
        return this == CP || this == TT;
    }

    /** EVBMF on the kernel as a matrix [Cout, Cin*kh*kw]. */
    private static int[] matrixEvbmf(DenseTensor kernel) {
        int cout = kernel.dim(0);
        return new int[] {
            Evbmf.estimate(kernel.reshape(cout, kernel.size() / cout)).rank()
        };
    }
}
