package dev.yard.passes.linalg;

/**
 * A kernel W[Cout, Cin, kh, kw] as the {@code tt} chain
 * 1x1 Cin->r1 ; kh x 1 r1->r2 ; 1 x kw r2->r3 ; 1x1 r3->Cout, each factor shaped as its conv weight.
 *
 * @param first [r1, Cin, 1, 1]
 * @param vertical [r2, r1, kh, 1]
 * @param horizontal [r3, r2, 1, kw]
 * @param last [Cout, r3, 1, 1]
 * @param relativeError ||W - W~|| / ||W||; for TT-SVD this is exactly the root of the summed
 *     discarded squared singular values of the three splits
 */
public record TensorTrainFactors(
        DenseTensor first, DenseTensor vertical, DenseTensor horizontal, DenseTensor last, double relativeError) {

    public int[] ranks() {
        return new int[] {first.dim(0), vertical.dim(0), horizontal.dim(0)};
    }

    /** The dense kernel the chain computes. */
    public DenseTensor reconstruct() {
        int r1 = first.dim(0);
        int cin = first.dim(1);
        int r2 = vertical.dim(0);
        int kh = vertical.dim(2);
        int r3 = horizontal.dim(0);
        int kw = horizontal.dim(3);
        int cout = last.dim(0);
        double[] out = new double[cout * cin * kh * kw];
        // W[o,i,h,w] = Σ last[o,c] hor[c,b,w] ver[b,a,h] first[a,i]; contract from the output side.
        double[] lh = new double[cout * r2 * kw]; // [o, b, w]
        for (int o = 0; o < cout; o++) {
            for (int c = 0; c < r3; c++) {
                double l = last.data()[o * r3 + c];
                if (l == 0) {
                    continue;
                }
                for (int b = 0; b < r2; b++) {
                    for (int w = 0; w < kw; w++) {
                        lh[(o * r2 + b) * kw + w] += l * horizontal.data()[(c * r2 + b) * kw + w];
                    }
                }
            }
        }
        double[] lhv = new double[cout * r1 * kh * kw]; // [o, a, h, w]
        for (int o = 0; o < cout; o++) {
            for (int b = 0; b < r2; b++) {
                for (int a = 0; a < r1; a++) {
                    for (int h = 0; h < kh; h++) {
                        double v = vertical.data()[(b * r1 + a) * kh + h];
                        for (int w = 0; w < kw; w++) {
                            lhv[((o * r1 + a) * kh + h) * kw + w] += v * lh[(o * r2 + b) * kw + w];
                        }
                    }
                }
            }
        }
        int s = kh * kw;
        double[] res = Dense.multTransA(
                        Dense.wrap(r1, cin, first.data()), Dense.wrap(r1, cout * s, Dense.swap01(lhv, cout, r1, s)))
                .data; // [cin, cout, s]
        System.arraycopy(Dense.swap01(res, cin, cout, s), 0, out, 0, out.length);
        return DenseTensor.of(out, cout, cin, kh, kw);
    }

    public TensorTrainFactors roundedTo(WeightType type) {
        return new TensorTrainFactors(
                first.roundedTo(type),
                vertical.roundedTo(type),
                horizontal.roundedTo(type),
                last.roundedTo(type),
                relativeError);
    }
}
