package dev.yard.passes.linalg;

/**
 * A kernel W[Cout, Cin, kh, kw] as the {@code cp} chain of Lebedev et al. (2014):
 * 1x1 Cin->R ; kh x 1 depthwise ; 1 x kw depthwise ; 1x1 R->Cout, with the component weights
 * folded in (split evenly over the four factors, which keeps each in f16 range).
 *
 * @param first [R, Cin, 1, 1]
 * @param vertical [R, 1, kh, 1], depthwise
 * @param horizontal [R, 1, 1, kw], depthwise
 * @param last [Cout, R, 1, 1]
 * @param relativeError ||W - W~|| / ||W||, measured on the returned factors
 * @param iterations ALS sweeps run
 * @param diverged true when components grew far beyond the kernel's norm or nearly cancel
 *     each other (CP degeneracy), or the fit produced non-finite numbers; the
 *     factors are then the best iterate seen, and may be poor in f16 or f32
 * @param componentRatio max over components of their weight divided by ||W||; near 1 for a
 *     healthy fit, large for a degenerate one
 * @param minCongruence min over pairs of components of the product of the cosines between
 *     their columns in the four factors; near -1 when two components cancel (degeneracy)
 */
public record CpFactors(
        DenseTensor first,
        DenseTensor vertical,
        DenseTensor horizontal,
        DenseTensor last,
        double relativeError,
        int iterations,
        boolean diverged,
        double componentRatio,
        double minCongruence) {

    public int rank() {
        return first.dim(0);
    }

    /** The dense kernel the chain computes. */
    public DenseTensor reconstruct() {
        int r = rank();
        int cout = last.dim(0);
        int cin = first.dim(1);
        int kh = vertical.dim(2);
        int kw = horizontal.dim(3);
        return DenseTensor.of(
                CpAls.expand(last.data(), first.data(), vertical.data(), horizontal.data(), cout, cin, kh, kw, r, true),
                cout,
                cin,
                kh,
                kw);
    }

    public CpFactors roundedTo(WeightType type) {
        return new CpFactors(
                first.roundedTo(type),
                vertical.roundedTo(type),
                horizontal.roundedTo(type),
                last.roundedTo(type),
                relativeError,
                iterations,
                diverged,
                componentRatio,
                minCongruence);
    }
}
