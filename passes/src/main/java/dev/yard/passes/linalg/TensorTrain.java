package dev.yard.passes.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Tensor-train of a conv kernel over the modes (Cin, kh, kw, Cout) by TT-SVD (Oseledets 2011):
 * three successive truncated SVDs, each of the previous remainder reshaped.
 *
 * <p>Every left factor is orthonormal, so the squared errors of the three splits add up
 * exactly; with an error bound ε each split may discard ε²||W||²/3.
 */
public final class TensorTrain {
    private TensorTrain() {}

    /** TT with the given ranks r1, r2, r3 (each capped by what its unfolding can hold). */
    public static TensorTrainFactors fit(DenseTensor kernel, int r1, int r2, int r3) {
        return run(kernel, new int[] {r1, r2, r3}, Double.NaN);
    }

    /** TT with the smallest ranks whose relative error is at most {@code relativeError}. */
    public static TensorTrainFactors fitWithin(DenseTensor kernel, double relativeError) {
        if (!(relativeError >= 0)) {
            throw new IllegalArgumentException("error bound " + relativeError);
        }
        return run(kernel, null, relativeError);
    }

    private static TensorTrainFactors run(DenseTensor kernel, int[] ranks, double bound) {
        TuckerTwo.checkKernel(kernel);
        int cout = kernel.dim(0);
        int cin = kernel.dim(1);
        int kh = kernel.dim(2);
        int kw = kernel.dim(3);
        double total = DenseTensor.squaredNorm(kernel.data());
        double budget = Double.isNaN(bound) ? 0 : bound * bound * total / 3;
        // [Cout, Cin, kh, kw] -> [Cin, kh, kw, Cout]: the mode order of the chain.
        double[] t = Dense.swap01(kernel.data(), cout, cin, kh * kw); // [cin, cout, khkw]
        t = Dense.swap12(t, cin, cout, kh * kw); // [cin, khkw, cout]
        int[] chosen = new int[3];
        double discarded = 0;
        DMatrixRMaj[] left = new DMatrixRMaj[3];
        DMatrixRMaj remainder = Dense.wrap(cin, kh * kw * cout, t);
        int[] factorLength = {1, kh, kw};
        int prev = 1;
        for (int step = 0; step < 3; step++) {
            int m = prev * (step == 0 ? cin : factorLength[step]);
            int n = remainder.data.length / m;
            DMatrixRMaj a = Dense.wrap(m, n, remainder.data);
            int max = Math.min(m, n);
            int r;
            TruncatedSvd.Split split;
            if (ranks != null) {
                r = Math.max(1, Math.min(ranks[step], max));
                split = TruncatedSvd.exact(a, r);
            } else {
                TruncatedSvd.Split full = TruncatedSvd.exact(a, max);
                r = rankWithin(full.singularValues(), budget, max);
                split = TruncatedSvd.exact(a, r);
            }
            discarded += split.discardedEnergy();
            left[step] = split.u();
            chosen[step] = r;
            remainder = split.right();
            prev = r;
        }
        int r1 = chosen[0], r2 = chosen[1], r3 = chosen[2];
        // left[0]: [cin, r1]; left[1]: [(r1, kh), r2]; left[2]: [(r2, kw), r3]; remainder: [r3, cout].
        double[] first = Dense.transpose(left[0]).data; // [r1, cin]
        double[] vertical = new double[r2 * r1 * kh];
        for (int a = 0; a < r1; a++) {
            for (int h = 0; h < kh; h++) {
                for (int b = 0; b < r2; b++) {
                    vertical[(b * r1 + a) * kh + h] = left[1].data[(a * kh + h) * r2 + b];
                }
            }
        }
        double[] horizontal = new double[r3 * r2 * kw];
        for (int b = 0; b < r2; b++) {
            for (int w = 0; w < kw; w++) {
                for (int c = 0; c < r3; c++) {
                    horizontal[(c * r2 + b) * kw + w] = left[2].data[(b * kw + w) * r3 + c];
                }
            }
        }
        double[] last = Dense.transpose(remainder).data; // [cout, r3]
        return new TensorTrainFactors(
                DenseTensor.of(first, r1, cin, 1, 1),
                DenseTensor.of(vertical, r2, r1, kh, 1),
                DenseTensor.of(horizontal, r3, r2, 1, kw),
                DenseTensor.of(last, cout, r3, 1, 1),
                TruncatedSvd.relative(discarded, total));
    }

    /** Smallest r whose discarded tail of squared singular values fits in the budget. */
    static int rankWithin(double[] sv, double budget, int max) {
        double tail = 0;
        int r = Math.min(max, sv.length);
        while (r > 1 && tail + sv[r - 1] * sv[r - 1] <= budget) {
            tail += sv[r - 1] * sv[r - 1];
            r--;
        }
        return r;
    }
}
