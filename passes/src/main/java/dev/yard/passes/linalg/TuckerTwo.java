package dev.yard.passes.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Tucker-2 of a conv kernel over its two channel modes (Kim et al. 2016): HOSVD, refined by
 * HOOI (higher-order orthogonal iteration, De Lathauwer et al. 2000).
 *
 * <p>With orthonormal factors the optimal core is W ×₀ Uₒᵀ ×₁ Uᵢᵀ and the squared error is
 * ||W||² - ||core||², so each HOOI half-step, taking the leading eigenvectors of the Gram
 * matrix of the partially projected kernel, maximises ||core|| over one factor: the error
 * never increases, and the core norm comes free from the eigenvalues.
 */
public final class TuckerTwo {
    private TuckerTwo() {}

    /**
     * @param maxIterations HOOI sweeps after HOSVD (0 gives plain HOSVD)
     * @param tolerance stop when a sweep lowers the squared error by less than this fraction
     */
    public record Options(int maxIterations, double tolerance) {
        public static final Options DEFAULT = new Options(25, 1e-5);
    }

    public static TuckerTwoFactors fit(DenseTensor kernel, int outputRank, int inputRank) {
        return fit(kernel, outputRank, inputRank, Options.DEFAULT);
    }

    public static TuckerTwoFactors fit(DenseTensor kernel, int outputRank, int inputRank, Options options) {
        checkKernel(kernel);
        int cout = kernel.dim(0);
        int cin = kernel.dim(1);
        int s = kernel.dim(2) * kernel.dim(3);
        TruncatedSvd.checkRank(outputRank, Math.min(cout, cin * s));
        TruncatedSvd.checkRank(inputRank, Math.min(cin, cout * s));
        Fit fit = hooi(kernel.data(), cout, cin, s, outputRank, inputRank, options);
        return fit.factors(kernel, Double.NaN);
    }

    /** Orthonormal factors and core [Rout, Rin, S] of one Tucker-2 fit. */
    record Fit(
            DMatrixRMaj uOut,
            DMatrixRMaj uIn,
            double[] core,
            double squaredError,
            double initialSquaredError,
            int iterations) {

        TuckerTwoFactors factors(DenseTensor kernel, double relativeOutputError) {
            int cout = kernel.dim(0);
            int cin = kernel.dim(1);
            int rout = uOut.numCols;
            int rin = uIn.numCols;
            double total = DenseTensor.squaredNorm(kernel.data());
            return new TuckerTwoFactors(
                    DenseTensor.of(Dense.transpose(uIn).data, rin, cin, 1, 1),
                    DenseTensor.of(core.clone(), rout, rin, kernel.dim(2), kernel.dim(3)),
                    DenseTensor.of(uOut.data.clone(), cout, rout, 1, 1),
                    TruncatedSvd.relative(squaredError, total),
                    TruncatedSvd.relative(initialSquaredError, total),
                    relativeOutputError,
                    iterations);
        }
    }

    static Fit hooi(double[] w, int cout, int cin, int s, int rout, int rin, Options options) {
        double total = DenseTensor.squaredNorm(w);
        DMatrixRMaj w0 = Dense.wrap(cout, cin * s, w);
        DMatrixRMaj w1 = Dense.wrap(cin, cout * s, Dense.swap01(w, cout, cin, s));
        DMatrixRMaj uOut = Dense.leadingEigen(Dense.rowGram(w0), rout).leading(rout);
        DMatrixRMaj uIn = Dense.leadingEigen(Dense.rowGram(w1), rin).leading(rin);
        DMatrixRMaj z1 = projectOut(w0, uOut, cin, s);
        double coreNorm = Dense.squaredNorm(Dense.multTransA(uIn, z1));
        double initial = Math.max(0, total - coreNorm);
        double error = initial;
        int iterations = 0;
        while (iterations < options.maxIterations() && error > 0) {
            DMatrixRMaj y = Dense.multTransA(uIn, w1); // [rin, cout, s]
            DMatrixRMaj y0 = Dense.wrap(cout, rin * s, Dense.swap01(y.data, rin, cout, s));
            uOut = Dense.leadingEigen(Dense.rowGram(y0), rout).leading(rout);
            z1 = projectOut(w0, uOut, cin, s);
            Dense.Eigen eig = Dense.leadingEigen(Dense.rowGram(z1), rin);
            uIn = eig.leading(rin);
            double next = Math.max(0, total - eig.leadingSum(rin));
            iterations++;
            boolean stalled = error - next <= options.tolerance() * error;
            error = Math.min(error, next);
            if (stalled) {
                break;
            }
        }
        double[] core = coreOf(z1, uIn, rout, rin, s);
        // Report the error of the factors actually returned, not the running estimate.
        double exact = Math.max(0, total - DenseTensor.squaredNorm(core));
        return new Fit(uOut, uIn, core, exact, Math.max(initial, exact), iterations);
    }

    /** (W ×₀ Uₒᵀ) unfolded along Cin: a Cin x (Rout·S) matrix. */
    static DMatrixRMaj projectOut(DMatrixRMaj w0, DMatrixRMaj uOut, int cin, int s) {
        int rout = uOut.numCols;
        DMatrixRMaj z = Dense.multTransA(uOut, w0); // [rout, cin, s]
        return Dense.wrap(cin, rout * s, Dense.swap01(z.data, rout, cin, s));
    }

    /** Core [Rout, Rin, S] = Uᵢᵀ (W ×₀ Uₒᵀ)₍₁₎ with its first two axes put back in order. */
    static double[] coreOf(DMatrixRMaj z1, DMatrixRMaj uIn, int rout, int rin, int s) {
        DMatrixRMaj c = Dense.multTransA(uIn, z1); // [rin, rout, s]
        return Dense.swap01(c.data, rin, rout, s);
    }

    /** Uₒ · core ×₁ Uᵢ back to [Cout, Cin, S]; {@code firstRows} is Uᵢᵀ, [Rin, Cin]. */
    static double[] expand(
            double[] uOut, double[] core, double[] firstRows, int cout, int cin, int rout, int rin, int s) {
        DMatrixRMaj x = Dense.mult(Dense.wrap(cout, rout, uOut), Dense.wrap(rout, rin * s, core)); // [cout, rin, s]
        DMatrixRMaj x1 = Dense.wrap(rin, cout * s, Dense.swap01(x.data, cout, rin, s));
        DMatrixRMaj full = Dense.multTransA(Dense.wrap(rin, cin, firstRows), x1); // [cin, cout, s]
        return Dense.swap01(full.data, cin, cout, s);
    }

    static void checkKernel(DenseTensor kernel) {
        if (kernel.rank() != 4) {
            throw new IllegalArgumentException("expected a kernel [Cout, Cin, kh, kw], got " + kernel);
        }
    }
}
