package dev.yard.passes.linalg;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * Best rank-R approximation of a weight matrix (Eckart-Young), exact or randomized.
 *
 * <p>The exact algorithm diagonalises the Gram matrix of the shorter side instead of running
 * a bidiagonalising SVD: on EJML that is 5-8x faster for the wide unfoldings of conv
 * kernels ([512, 4608] and the like), and the leading singular subspace it returns is the
 * same to double precision. What is lost is relative accuracy of singular values below
 * about 1e-8 σ₁, which f32 weights do not resolve anyway. The factor next to the Gram side
 * is computed as Uᵀ W rather than by dividing by σ, so a full-rank split reconstructs W
 * exactly even when W is rank deficient.
 *
 * <p>The randomized algorithm is the range finder of Halko, Martinsson and Tropp (2011) with
 * power iterations, re-orthonormalised after every product; its Gaussian test matrix comes
 * from a seeded generator, so the same input gives the same bits.
 */
public final class TruncatedSvd {
    private TruncatedSvd() {}

    /** How the leading subspace is found. */
    public enum Algorithm {
        EXACT,
        RANDOMIZED,
        /** Whichever the flop model below says is cheaper for this shape and rank. */
        AUTO
    }

    /**
     * @param oversampling extra columns of the randomized range finder (10 is the usual choice)
     * @param powerIterations passes of (W Wᵀ) that sharpen a slowly decaying spectrum
     */
    public record Options(Algorithm algorithm, int oversampling, int powerIterations, long seed) {
        public static final Options DEFAULT = new Options(Algorithm.AUTO, 10, 4, 0x5eed);

        public Options with(Algorithm a) {
            return new Options(a, oversampling, powerIterations, seed);
        }
    }

    public static LowRankFactors fit(DenseTensor weight, int rank) {
        return fit(weight, rank, Options.DEFAULT);
    }

    /** Rank-R split of a matrix [N, M] or of a kernel seen as [Cout, Cin·kh·kw]. */
    public static LowRankFactors fit(DenseTensor weight, int rank, Options options) {
        DenseTensor w = weight.asMatrix();
        int n = w.dim(0);
        int m = w.dim(1);
        checkRank(rank, Math.min(n, m));
        Split split = split(Dense.wrap(n, m, w.data()), rank, options);
        double total = DenseTensor.squaredNorm(w.data());
        return factors(weight, split, relative(split.discardedEnergy(), total), Double.NaN);
    }

    /**
     * Calibration-aware split: minimises ||(W - W~) C^{1/2}|| where C = X Xᵀ is the covariance
     * of the layer's inputs (im2col patches for a conv, ordered like the kernel's Cin·kh·kw).
     *
     * <p>The optimum is W~ = U Uᵀ W with U the leading eigenvectors of W C Wᵀ = (W C^{1/2})(W C^{1/2})ᵀ:
     * projecting W onto them projects W C^{1/2} onto its leading left singular subspace. So no
     * square root or inverse of C is ever formed, and a rank-deficient C needs no regularisation.
     */
    public static LowRankFactors fitWhitened(DenseTensor weight, int rank, InputCovariance covariance) {
        DenseTensor w = weight.asMatrix();
        int n = w.dim(0);
        int m = w.dim(1);
        checkRank(rank, Math.min(n, m));
        covariance.checkDimension(m);
        DMatrixRMaj wm = Dense.wrap(n, m, w.data());
        Dense.Eigen eig = Dense.leadingEigen(covariance.gramThrough(weight).copy(), rank);
        DMatrixRMaj u = eig.leading(rank);
        DMatrixRMaj right = Dense.multTransA(u, wm);
        double outputTotal = 0;
        for (int i = 0; i < n; i++) {
            outputTotal += Math.max(0, eig.values()[i]);
        }
        double outputDiscarded = Math.max(0, outputTotal - eig.leadingSum(rank));
        double total = DenseTensor.squaredNorm(w.data());
        double weightDiscarded = Math.max(0, total - Dense.squaredNorm(right));
        double[] sv = new double[eig.values().length];
        for (int i = 0; i < sv.length; i++) {
            sv[i] = Math.sqrt(Math.max(0, eig.values()[i]));
        }
        Split split = new Split(u, right, sv, weightDiscarded, Algorithm.EXACT);
        return factors(weight, split, relative(weightDiscarded, total), relative(outputDiscarded, outputTotal));
    }

    /** All singular values of a matrix (or kernel seen as [Cout, Cin·kh·kw]), descending. */
    public static double[] singularValues(DenseTensor weight) {
        DenseTensor w = weight.asMatrix();
        DMatrixRMaj a = Dense.wrap(w.dim(0), w.dim(1), w.data());
        DMatrixRMaj gram = a.numRows <= a.numCols ? Dense.rowGram(a) : Dense.columnGram(a);
        double[] ev = Dense.symmetricEigenvalues(gram);
        double[] sv = new double[ev.length];
        for (int i = 0; i < sv.length; i++) {
            sv[i] = Math.sqrt(Math.max(0, ev[i]));
        }
        return sv;
    }

    /**
     * A ≈ u · right with u orthonormal (m x r) and right = uᵀ A (r x n).
     *
     * @param singularValues descending; as many as the algorithm resolved
     * @param discardedEnergy ||A||² - ||right||², the squared error of the split
     */
    record Split(
            DMatrixRMaj u, DMatrixRMaj right, double[] singularValues, double discardedEnergy, Algorithm algorithm) {}

    static Split split(DMatrixRMaj a, int rank, Options options) {
        Algorithm algorithm = options.algorithm();
        if (algorithm == Algorithm.AUTO) {
            algorithm = cheaper(a.numRows, a.numCols, rank, options);
        }
        return algorithm == Algorithm.RANDOMIZED ? randomized(a, rank, options) : exact(a, rank);
    }

    static Split exact(DMatrixRMaj a, int rank) {
        double total = Dense.squaredNorm(a);
        DMatrixRMaj u;
        double[] values;
        if (a.numRows <= a.numCols) {
            Dense.Eigen eig = Dense.leadingEigen(Dense.rowGram(a), rank);
            u = eig.leading(rank);
            values = eig.values();
        } else {
            // Tall: diagonalise AᵀA and map its eigenvectors back, U = A V Σ⁻¹.
            Dense.Eigen eig = Dense.leadingEigen(Dense.columnGram(a), rank);
            DMatrixRMaj av = Dense.mult(a, eig.leading(rank));
            for (int c = 0; c < rank; c++) {
                double norm = 0;
                for (int r = 0; r < av.numRows; r++) {
                    norm += av.data[r * rank + c] * av.data[r * rank + c];
                }
                double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
                for (int r = 0; r < av.numRows; r++) {
                    av.data[r * rank + c] *= inv;
                }
            }
            u = av;
            values = eig.values();
        }
        DMatrixRMaj right = Dense.multTransA(u, a);
        double[] sv = new double[values.length];
        for (int i = 0; i < sv.length; i++) {
            sv[i] = Math.sqrt(Math.max(0, values[i]));
        }
        return new Split(u, right, sv, Math.max(0, total - Dense.squaredNorm(right)), Algorithm.EXACT);
    }

    static Split randomized(DMatrixRMaj a, int rank, Options options) {
        int k = Math.min(a.numRows, a.numCols);
        int l = Math.min(k, rank + options.oversampling());
        SplittableRandom random = new SplittableRandom(options.seed());
        DMatrixRMaj q = Dense.orthonormalColumns(Dense.mult(a, Dense.gaussian(a.numCols, l, random)));
        DMatrixRMaj at = options.powerIterations() > 0 ? Dense.transpose(a) : null; // once, not per pass
        for (int i = 0; i < options.powerIterations(); i++) {
            // Orthonormalising after each product keeps the small singular directions from
            // drowning in rounding error (Halko et al., algorithm 4.4).
            DMatrixRMaj z = Dense.orthonormalColumns(Dense.mult(at, q));
            q = Dense.orthonormalColumns(Dense.mult(a, z));
        }
        DMatrixRMaj b = Dense.multTransA(q, a); // l x n
        Dense.Eigen eig = Dense.leadingEigen(Dense.rowGram(b), rank);
        DMatrixRMaj u = Dense.mult(q, eig.leading(rank));
        DMatrixRMaj right = Dense.multTransA(eig.leading(rank), b);
        double[] sv = new double[l];
        for (int i = 0; i < l; i++) {
            sv[i] = Math.sqrt(Math.max(0, eig.values()[i]));
        }
        double total = Dense.squaredNorm(a);
        return new Split(u, right, sv, Math.max(0, total - Dense.squaredNorm(right)), Algorithm.RANDOMIZED);
    }

    /**
     * The flop model behind {@link Algorithm#AUTO}, in threaded multiply-add equivalents
     * measured on EJML: a dense symmetric eigensolve of order k costs about 6k³, a thin QR
     * of m x l about 2 m l² (it is single-threaded). Native LAPACK keeps roughly the same
     * proportions but is an order of magnitude faster, so an exact split of a 4096 x 25088
     * Gemm takes seconds there: randomized is then taken only when it saves most of an order
     * of magnitude, since it loses a little accuracy on slowly decaying spectra.
     */
    static Algorithm cheaper(int m, int n, int rank, Options options) {
        return cheaper(m, n, rank, options, NativeLinearAlgebra.enabled());
    }

    static Algorithm cheaper(int m, int n, int rank, Options options, boolean nativeKernels) {
        double k = Math.min(m, n);
        double l = Math.min(k, rank + options.oversampling());
        if (l >= k / 2) { // too little to gain, and exactness to lose
            return Algorithm.EXACT;
        }
        if ((double) m * n < 1e5) { // a few milliseconds either way: stay exact
            return Algorithm.EXACT;
        }
        double q = options.powerIterations();
        double exact = (double) m * n * k + 6 * k * k * k;
        double randomized =
                (2 * q + 2) * m * n * l + (2 * q + 1) * 2 * Math.max(m, n) * l * l + l * l * n + 6 * l * l * l;
        // Randomized loses a little accuracy on slowly decaying spectra: take it only when it
        // saves most of the work.
        double saving = nativeKernels ? 8 : 2;
        return saving * randomized < exact ? Algorithm.RANDOMIZED : Algorithm.EXACT;
    }

    private static LowRankFactors factors(DenseTensor weight, Split split, double relError, double relOutputError) {
        int n = split.u().numRows;
        int r = split.u().numCols;
        int m = split.right().numCols;
        double[] last = split.u().data.clone();
        double[] first = split.right().data.clone();
        for (int c = 0; c < r; c++) {
            double norm = 0;
            for (int j = 0; j < m; j++) {
                norm += first[c * m + j] * first[c * m + j];
            }
            double s = norm > 0 ? Math.pow(norm, 0.25) : 1; // sqrt of the component's scale
            for (int j = 0; j < m; j++) {
                first[c * m + j] /= s;
            }
            for (int i = 0; i < n; i++) {
                last[i * r + c] *= s;
            }
        }
        int[] firstShape = weight.shape().clone();
        firstShape[0] = r;
        int[] lastShape = weight.rank() == 2 ? new int[] {n, r} : padOnes(new int[] {n, r}, weight.rank());
        return new LowRankFactors(
                new DenseTensor(firstShape, first),
                new DenseTensor(lastShape, last),
                split.singularValues(),
                relError,
                relOutputError,
                split.algorithm());
    }

    static int[] padOnes(int[] shape, int rank) {
        int[] s = new int[rank];
        java.util.Arrays.fill(s, 1);
        System.arraycopy(shape, 0, s, 0, shape.length);
        return s;
    }

    static double relative(double discarded, double total) {
        return total == 0 ? 0 : Math.sqrt(Math.max(0, discarded) / total);
    }

    static void checkRank(int rank, int max) {
        if (rank < 1 || rank > max) {
            throw new IllegalArgumentException("rank " + rank + " outside [1, " + max + "]");
        }
    }
}
