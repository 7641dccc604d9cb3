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
    public record Options(int maxIterations, double tolerance, Init init, long seed, double damping,
            boolean lineSearch, double divergenceRatio) {
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
        if (rank < 1) throw new IllegalArgumentException("rank " + rank);
        return new CpAlsRun(kernel, rank, options).run();
    }

    /**
     * Σ_r last[o,r] first[r,i] vertical[r,h] horizontal[r,w] as [Cout, Cin, kh, kw]. With
     * {@code firstByRow} the first factor is [R, Cin] (conv layout), else [Cin, R].
     */
    static double[] expand(double[] a0, double[] a1, double[] a2t, double[] a3t, int cout, int cin, int kh, int kw,
            int r, boolean firstByRow) {
        int s = kh * kw;
        // X[r, (i, s)] = a1[i, r] a2[h, r] a3[w, r]; then W0 = A0 · X.
        double[] x = new double[r * cin * s];
        for (int c = 0; c < r; c++)
            for (int i = 0; i < cin; i++) {
                double f = firstByRow ? a1[c * cin + i] : a1[i * r + c];
                for (int h = 0; h < kh; h++)
                    for (int w = 0; w < kw; w++) x[(c * cin + i) * s + h * kw + w] = f * a2t[c * kh + h] * a3t[c * kw + w];
            }
        return Dense.mult(Dense.wrap(cout, r, a0), Dense.wrap(r, cin * s, x)).data;
    }

    static DMatrixRMaj initFactor(DMatrixRMaj unfolding, int rank, Init init, SplittableRandom random) {
        int dim = unfolding.numRows;
        DMatrixRMaj f = Dense.gaussian(dim, rank, random);
        for (int i = 0; i < f.data.length; i++) f.data[i] /= Math.sqrt(dim);
        if (init == Init.SVD) {
            int k = Math.min(dim, rank);
            DMatrixRMaj lead = Dense.symmetricEigen(Dense.rowGram(unfolding)).leading(k);
            for (int i = 0; i < dim; i++)
                for (int c = 0; c < k; c++) f.data[i * rank + c] = lead.data[i * k + c];
        }
        return f;
    }
}
