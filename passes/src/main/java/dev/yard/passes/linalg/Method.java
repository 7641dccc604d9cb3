package dev.yard.passes.linalg;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The chains of DESIGN.md's factorized-conv family, by their pipeline names: what
 * {@code decompose} applies and what the numerical core fits and prices.
 */
public enum Method {
    SVD,
    TUCKER2,
    BTD,
    CP,
    TT;

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
    public int[] fullRanks(int cout, int cin, int kh, int kw, int groups) {
        int s = kh * kw;
        return switch (this) {
            case SVD -> new int[] {Math.min(cout, cin * s)};
            case TUCKER2 -> new int[] {Math.min(cout, cin * s), Math.min(cin, cout * s)};
            // Every block may hold a whole Tucker-2 term; at these ranks the chain is exact.
            case BTD -> new int[] {groups * Math.min(cout, cin * s), groups * Math.min(cin, cout * s)};
            // One component per (channel, tap) always reproduces the kernel exactly.
            case CP -> new int[] {Math.min(cin, cout) * s};
            case TT -> {
                int r1 = Math.min(cin, s * cout);
                int r2 = Math.min(r1 * kh, kw * cout);
                yield new int[] {r1, r2, Math.min(r2 * kw, cout)};
            }
        };
    }
}
