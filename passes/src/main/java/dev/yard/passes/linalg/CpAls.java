package dev.yard.passes.linalg;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * Rank-R CP (CANDECOMP/PARAFAC) of a conv kernel by alternating least squares, with Bro's
 * extrapolation line search and a small Tikhonov (Levenberg-Marquardt style) damping of each
 * normal equation.
 *
 * <p>Each sweep needs the MTTKRP (matricised tensor times Khatri-Rao product) of all four
 * modes. Instead of four products with the full kernel, two suffice: Q = W contracted with
 * the Cout factor gives the Cin MTTKRP, and P = W contracted with the new Cin factor gives
 * the other three after cheap contractions over the kh·kw positions. This matters because
 * the spatial modes are tiny (3) while the channel modes are not.
 *
 * <p>CP fitting is ill-posed: the best rank-R approximation need not exist, and ALS then
 * drives pairs of components to large norms of opposite sign. Damping slows that down; the
 * ratio of the largest component weight to ||W|| detects it, and the result says so.
 */
public final class CpAls {
    private CpAls() {}

    public enum Init {
        /** Leading eigenvectors of each unfolding's Gram matrix, seeded Gaussian columns beyond. */
        SVD,
        /** Seeded Gaussian factors. */
        RANDOM
    }

    /**
     * @param tolerance stop when a sweep changes the relative error by less than this (0: run
     *     all iterations)
     * @param damping Tikhonov term, relative to the mean diagonal of each normal matrix
     * @param lineSearch extrapolate every sweep along the last update, kept only if it helps
     * @param divergenceRatio component weight / ||W|| above which the fit is flagged diverged
     */
    public record Options(
            int maxIterations,
            double tolerance,
            Init init,
            long seed,
            double damping,
            boolean lineSearch,
            double divergenceRatio) {
        public static final Options DEFAULT = new Options(500, 1e-9, Init.SVD, 0x5eed, 1e-10, true, 1e3);

        public Options withIterations(int n, double tol) {
            return new Options(n, tol, init, seed, damping, lineSearch, divergenceRatio);
        }

        public Options withSeed(long s, Init i) {
            return new Options(maxIterations, tolerance, i, s, damping, lineSearch, divergenceRatio);
        }
    }

    public static CpFactors fit(DenseTensor kernel, int rank) {
        return fit(kernel, rank, Options.DEFAULT);
    }

    public static CpFactors fit(DenseTensor kernel, int rank, Options options) {
        TuckerTwo.checkKernel(kernel);
        if (rank < 1) {
            throw new IllegalArgumentException("rank " + rank);
        }
        if (rank >= exactRank(kernel)) {
            return exact(kernel, rank);
        }
        return new CpAlsRun(kernel, rank, options).run();
    }

    /** min(Cin, Cout)·kh·kw: one component per channel and tap reproduces any kernel exactly. */
    public static int exactRank(DenseTensor kernel) {
        return Math.min(kernel.dim(0), kernel.dim(1)) * kernel.dim(2) * kernel.dim(3);
    }

    /**
     * The exact decomposition with one component per (channel, tap) of the narrower channel
     * side: unit vectors on three modes, the kernel's fibre on the fourth. Components past
     * {@link #exactRank} are zero. No iteration, so no degeneracy.
     */
    static CpFactors exact(DenseTensor kernel, int rank) {
        int cout = kernel.dim(0);
        int cin = kernel.dim(1);
        int kh = kernel.dim(2);
        int kw = kernel.dim(3);
        boolean byInput = cin <= cout;
        double[] w = kernel.data();
        double[] first = new double[rank * cin];
        double[] vertical = new double[rank * kh];
        double[] horizontal = new double[rank * kw];
        double[] last = new double[cout * rank];
        double norm = Math.sqrt(DenseTensor.squaredNorm(w));
        double largest = 0;
        int r = 0;
        for (int ch = 0; ch < (byInput ? cin : cout); ch++) {
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++, r++) {
                    vertical[r * kh + y] = 1;
                    horizontal[r * kw + x] = 1;
                    double fibre = 0;
                    for (int other = 0; other < (byInput ? cout : cin); other++) {
                        int o = byInput ? other : ch;
                        int c = byInput ? ch : other;
                        double v = w[((o * cin + c) * kh + y) * kw + x];
                        fibre += v * v;
                        if (byInput) {
                            last[o * rank + r] = v;
                        } else {
                            first[r * cin + c] = v;
                        }
                    }
                    if (byInput) {
                        first[r * cin + ch] = 1;
                    } else {
                        last[ch * rank + r] = 1;
                    }
                    largest = Math.max(largest, Math.sqrt(fibre));
                }
            }
        }
        return new CpFactors(
                DenseTensor.of(first, rank, cin, 1, 1),
                DenseTensor.of(vertical, rank, 1, kh, 1),
                DenseTensor.of(horizontal, rank, 1, 1, kw),
                DenseTensor.of(last, cout, rank, 1, 1),
                0,
                0,
                false,
                norm == 0 ? 0 : largest / norm,
                0);
    }

    /**
     * Σ_r last[o,r] first[r,i] vertical[r,h] horizontal[r,w] as [Cout, Cin, kh, kw]. With
     * {@code firstByRow} the first factor is [R, Cin] (conv layout), else [Cin, R].
     */
    static double[] expand(
            double[] a0,
            double[] a1,
            double[] a2t,
            double[] a3t,
            int cout,
            int cin,
            int kh,
            int kw,
            int r,
            boolean firstByRow) {
        int s = kh * kw;
        // X[r, (i, s)] = a1[i, r] a2[h, r] a3[w, r]; then W0 = A0 · X.
        double[] x = new double[r * cin * s];
        for (int c = 0; c < r; c++) {
            for (int i = 0; i < cin; i++) {
                double f = firstByRow ? a1[c * cin + i] : a1[i * r + c];
                for (int h = 0; h < kh; h++) {
                    for (int w = 0; w < kw; w++) {
                        x[(c * cin + i) * s + h * kw + w] = f * a2t[c * kh + h] * a3t[c * kw + w];
                    }
                }
            }
        }
        return Dense.mult(Dense.wrap(cout, r, a0), Dense.wrap(r, cin * s, x)).data;
    }

    static DMatrixRMaj initFactor(DMatrixRMaj unfolding, int rank, Init init, SplittableRandom random) {
        int dim = unfolding.numRows;
        DMatrixRMaj f = Dense.gaussian(dim, rank, random);
        for (int i = 0; i < f.data.length; i++) {
            f.data[i] /= Math.sqrt(dim);
        }
        if (init == Init.SVD) {
            int k = Math.min(dim, rank);
            DMatrixRMaj lead = Dense.leadingEigen(Dense.rowGram(unfolding), k).leading(k);
            for (int i = 0; i < dim; i++) {
                for (int c = 0; c < k; c++) {
                    f.data[i * rank + c] = lead.data[i * k + c];
                }
            }
        }
        return f;
    }
}
