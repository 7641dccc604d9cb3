package dev.yard.passes.linalg;

/**
 * A weight W split into two factors, W ≈ last · first: the {@code svd} chain
 * (1x1 Cin->R ; 1x1 R->Cout), or for a Gemm weight [N, M] the pair [R, M], [N, R].
 *
 * <p>{@code first} has shape [R, M] for a matrix and [R, Cin, kh, kw] for a kernel (a kxk
 * conv to R channels); {@code last} has shape [N, R] or [Cout, R, 1, 1]. The scale of each
 * component is split evenly between the two factors, which keeps both in f16 range.
 *
 * @param singularValues the singular values the algorithm saw (all of them for the exact
 *     algorithm, the leading R + oversampling for the randomized one; for a whitened fit,
 *     those of W·C^{1/2}), descending
 * @param relativeError ||W - W~|| / ||W||
 * @param relativeOutputError ||(W - W~) C^{1/2}|| / ||W C^{1/2}|| for a calibration-aware
 *     fit, NaN otherwise
 */
public record LowRankFactors(
        DenseTensor first,
        DenseTensor last,
        double[] singularValues,
        double relativeError,
        double relativeOutputError,
        TruncatedSvd.Algorithm algorithm) {

    public int rank() {
        return first.dim(0);
    }

    /** last · first, shaped like the original weight. */
    public DenseTensor reconstruct() {
        int r = rank();
        int n = last.dim(0);
        int m = first.size() / r;
        double[] out = Dense.mult(Dense.wrap(n, r, last.data()), Dense.wrap(r, m, first.data())).data;
        int[] shape = first.shape().clone();
        shape[0] = n;
        return new DenseTensor(shape, out);
    }

    /** The factors rounded to the caller's storage type. */
    public LowRankFactors roundedTo(WeightType type) {
        return new LowRankFactors(
                first.roundedTo(type),
                last.roundedTo(type),
                singularValues,
                relativeError,
                relativeOutputError,
                algorithm);
    }
}
