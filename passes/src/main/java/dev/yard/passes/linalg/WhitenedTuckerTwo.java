package dev.yard.passes.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Calibration-aware Tucker-2: minimises the output error ||(W - W~) C^{1/2}|| on the layer's
 * real inputs (C = covariance of the im2col patches, ordered (c, i, j)) instead of the weight
 * error.
 *
 * <p>For a fixed input factor Uᵢ (A = Uᵢᵀ ⊗ I over the kh·kw positions) the rest is a reduced-
 * rank regression with a closed form: the unconstrained map M = W C Aᵀ (A C Aᵀ)⁻¹ is optimal,
 * its residual is C-orthogonal to the row space of A, and the best rank-Rout restriction
 * keeps the leading eigenvectors of M (A C Aᵀ) Mᵀ. Starting from the plain HOOI Uᵢ this
 * alone can only improve on the plain fit. Then Uᵢ is re-chosen from the Cin-mode Gram of
 * Uₒᵀ W C (the input directions the kept outputs correlate with) and kept only when the
 * output error drops, so the error never increases.
 *
 * <p>A C Aᵀ is inverted after adding a small multiple of its mean diagonal, so rank-deficient
 * covariances (fewer patches than Cin·kh·kw) are fine.
 */
public final class WhitenedTuckerTwo {
    private WhitenedTuckerTwo() {}

    public record Options(int maxIterations, double regularization, TuckerTwo.Options plain) {
        public static final Options DEFAULT = new Options(5, 1e-8, TuckerTwo.Options.DEFAULT);
    }

    public static TuckerTwoFactors fit(DenseTensor kernel, int outputRank, int inputRank, InputCovariance covariance) {
        return fit(kernel, outputRank, inputRank, covariance, Options.DEFAULT);
    }

    public static TuckerTwoFactors fit(
            DenseTensor kernel, int outputRank, int inputRank, InputCovariance covariance, Options options) {
        TuckerTwo.checkKernel(kernel);
        int cout = kernel.dim(0);
        int cin = kernel.dim(1);
        int s = kernel.dim(2) * kernel.dim(3);
        covariance.checkDimension(cin * s);
        TuckerTwo.Fit plain = TuckerTwo.hooi(kernel.data(), cout, cin, s, outputRank, inputRank, options.plain());
        double plainOutput = covariance.relativeOutputError(
                kernel, plain.factors(kernel, Double.NaN).reconstruct());
        Candidate best = closedForm(kernel, plain.uIn(), covariance, options.regularization(), outputRank);
        int iterations = 0;
        while (iterations < options.maxIterations()) {
            iterations++;
            Candidate next = closedForm(
                    kernel,
                    inputFactorFor(kernel, best.uOut(), covariance, inputRank),
                    covariance,
                    options.regularization(),
                    outputRank);
            if (!(next.outputError() < best.outputError() * (1 - 1e-9))) {
                break;
            }
            best = next;
        }
        double[] approx = TuckerTwo.expand(
                best.uOut().data, best.core(), Dense.transpose(best.uIn()).data, cout, cin, outputRank, inputRank, s);
        double rel = kernel.relativeErrorTo(DenseTensor.of(approx, kernel.shape()));
        return new TuckerTwoFactors(
                DenseTensor.of(Dense.transpose(best.uIn()).data, inputRank, cin, 1, 1),
                DenseTensor.of(best.core(), outputRank, inputRank, kernel.dim(2), kernel.dim(3)),
                DenseTensor.of(best.uOut().data.clone(), cout, outputRank, 1, 1),
                rel,
                plainOutput,
                best.outputError(),
                iterations);
    }

    private record Candidate(DMatrixRMaj uOut, DMatrixRMaj uIn, double[] core, double outputError) {}

    /** The optimal output factor and core for a given input factor, and the output error they reach. */
    private static Candidate closedForm(
            DenseTensor kernel, DMatrixRMaj uIn, InputCovariance cov, double regularization, int rout) {
        int cout = kernel.dim(0);
        int cin = kernel.dim(1);
        int s = kernel.dim(2) * kernel.dim(3);
        int rin = uIn.numCols;
        DMatrixRMaj at = new DMatrixRMaj(cin * s, rin * s); // Aᵀ = Uᵢ ⊗ I
        for (int i = 0; i < cin; i++) {
            for (int a = 0; a < rin; a++) {
                for (int t = 0; t < s; t++) {
                    at.data[(i * s + t) * rin * s + a * s + t] = uIn.data[i * rin + a];
                }
            }
        }
        DMatrixRMaj cat = Dense.mult(cov.matrix(), at);
        DMatrixRMaj aca = Dense.multTransA(at, cat);
        double mean = 0;
        for (int i = 0; i < aca.numRows; i++) {
            mean += aca.data[i * aca.numCols + i];
        }
        mean /= aca.numRows;
        DMatrixRMaj m = Dense.mult(Dense.wrap(cout, cin * s, kernel.data()), cat); // W C Aᵀ
        DMatrixRMaj mOpt = Dense.solveRightSymmetric(m, aca, regularization * (mean > 0 ? mean : 1));
        // (M_opt A) C (M_opt A)ᵀ = M_opt (A C Aᵀ) M_optᵀ = (W C Aᵀ) M_optᵀ.
        Dense.Eigen eig = Dense.leadingEigen(Dense.multTransB(m, mOpt), rout);
        DMatrixRMaj uOut = eig.leading(rout);
        DMatrixRMaj coreM = Dense.multTransA(uOut, mOpt); // [rout, (rin, s)]
        // W~ = Uₒ core A, so tr(W~ C W~ᵀ) = tr(core (A C Aᵀ) coreᵀ) and tr(W~ C Wᵀ) = <Uₒ core, W C Aᵀ>:
        // the output error without forming W~ or multiplying by C again.
        double self = 0;
        DMatrixRMaj ca = Dense.mult(coreM, aca);
        for (int i = 0; i < ca.data.length; i++) {
            self += ca.data[i] * coreM.data[i];
        }
        DMatrixRMaj projected = Dense.mult(uOut, coreM);
        double cross = 0;
        for (int i = 0; i < projected.data.length; i++) {
            cross += projected.data[i] * m.data[i];
        }
        double total = cov.reference(kernel);
        double residual = Math.max(0, total - 2 * cross + self);
        double err = total == 0 ? Math.sqrt(residual) : Math.sqrt(residual / total);
        return new Candidate(uOut, uIn, coreM.data, err);
    }

    /** Leading Cin-mode eigenvectors of Uₒᵀ W C seen as [Rout, Cin, S]. */
    private static DMatrixRMaj inputFactorFor(DenseTensor kernel, DMatrixRMaj uOut, InputCovariance cov, int rin) {
        int cin = kernel.dim(1);
        int s = kernel.dim(2) * kernel.dim(3);
        int rout = uOut.numCols;
        DMatrixRMaj y = Dense.multTransA(uOut, Dense.wrap(kernel.dim(0), cin * s, kernel.data()));
        DMatrixRMaj yc = Dense.mult(y, cov.matrix()); // [rout, (cin, s)]
        DMatrixRMaj unfolded = Dense.wrap(cin, rout * s, Dense.swap01(yc.data, rout, cin, s));
        return Dense.leadingEigen(Dense.rowGram(unfolded), rin).leading(rin);
    }
}
