package dev.yard.passes.decompose;

import dev.yard.ir.Outcome;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.Method;
import dev.yard.passes.linalg.RankSelection;
import dev.yard.passes.linalg.TruncatedSvd;

/**
 * Turns a {@link RankSpec} into the ranks of one method for one kernel: [R] for svd and cp,
 * [Rout, Rin] for tucker2 and btd, [r1, r2, r3] for tt. Ranks are rounded to {@code multiple}
 * (a btd chain's to a multiple of its groups too) and capped at what each mode can hold.
 * Says why not when the spec does not apply to the method.
 */
final class RankChooser {
    private RankChooser() {}

    /** A kernel [Cout, Cin, kh, kw] (a matrix is [N, M, 1, 1]). */
    static Outcome<int[]> choose(
            RankSpec spec, Method method, DenseTensor kernel, RankSelection.Layer layer, int groups, int multiple) {
        int cout = kernel.dim(0);
        int cin = kernel.dim(1);
        int s = kernel.dim(2) * kernel.dim(3);
        int step = method == Method.BTD ? lcm(Math.max(1, multiple), groups) : Math.max(1, multiple);
        int[] full = method.fullRanks(cout, cin, kernel.dim(2), kernel.dim(3), groups);
        int[] r;
        if (spec instanceof RankSpec.Fixed f) {
            r = new int[full.length];
            java.util.Arrays.fill(r, f.rank());
        } else if (spec instanceof RankSpec.Fraction f) {
            r = new int[full.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = (int) Math.round(f.fraction() * full[i]);
            }
        } else if (spec instanceof RankSpec.Evbmf e) {
            r = method.evbmfRanks(kernel);
            int[] toward = method.evbmfCeiling(cout, cin, kernel.dim(2), kernel.dim(3), groups);
            for (int i = 0; i < r.length; i++) {
                r[i] = e.weakened(r[i], toward[i]);
            }
        } else if (spec instanceof RankSpec.Energy e) {
            if (method != Method.SVD) {
                return Outcome.not("rank=energy applies to svd only");
            }
            r = new int[] {
                RankSelection.energyRank(TruncatedSvd.singularValues(kernel.reshape(cout, cin * s)), e.fraction())
            };
        } else if (spec instanceof RankSpec.ErrorBound e) {
            if (method != Method.SVD) {
                return Outcome.not("rank=err applies to svd here (tt takes it through TT-SVD directly)");
            }
            // Eckart-Young: the error of rank r is the root of the discarded energy.
            r = new int[] {
                RankSelection.energyRank(
                        TruncatedSvd.singularValues(kernel.reshape(cout, cin * s)),
                        1 - e.relativeError() * e.relativeError())
            };
        } else if (spec instanceof RankSpec.ParameterRatio p) {
            r = RankSelection.ranksForBudget(method, layer, groups, p.ratio(), RankSelection.Budget.PARAMETERS, step);
            if (r.length == 0) {
                return Outcome.not("no ranks fit in " + p.ratio() + " of the parameters");
            }
        } else {
            throw new IllegalStateException("unknown rank spec " + spec);
        }
        for (int i = 0; i < r.length; i++) {
            r[i] = RankSelection.roundToMultiple(Math.max(1, r[i]), step, full[i]);
        }
        if (method == Method.BTD) {
            for (int i = 0; i < 2; i++) {
                if (r[i] % groups != 0) {
                    return Outcome.not("btd with " + groups + " groups needs ranks that are multiples of " + groups
                            + ", but mode " + i + " holds at most " + full[i]);
                }
            }
        }
        return Outcome.of(r);
    }

    private static int lcm(int a, int b) {
        int x = a;
        int y = b;
        while (y != 0) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }
}
