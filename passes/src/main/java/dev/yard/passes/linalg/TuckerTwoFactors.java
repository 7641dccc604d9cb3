package dev.yard.passes.linalg;

/**
 * A kernel W[Cout, Cin, kh, kw] as the {@code tucker2} chain
 * 1x1 Cin->Rin ; kh x kw Rin->Rout ; 1x1 Rout->Cout, each factor shaped as its conv weight.
 *
 * @param first [Rin, Cin, 1, 1], orthonormal rows
 * @param core [Rout, Rin, kh, kw]
 * @param last [Cout, Rout, 1, 1], orthonormal columns
 * @param relativeError ||W - W~|| / ||W|| of the returned factors
 * @param initialRelativeError the error of the initialisation in the metric that is minimised:
 *     the weight error of HOSVD for a plain fit (never below {@code relativeError}), the output
 *     error of the plain HOOI fit for a calibration-aware one (never below
 *     {@code relativeOutputError})
 * @param relativeOutputError ||(W - W~) C^{1/2}|| / ||W C^{1/2}|| for a calibration-aware fit,
 *     NaN otherwise
 * @param iterations refinement sweeps run after the initialisation
 */
public record TuckerTwoFactors(
        DenseTensor first,
        DenseTensor core,
        DenseTensor last,
        double relativeError,
        double initialRelativeError,
        double relativeOutputError,
        int iterations) {

    public int outputRank() {
        return core.dim(0);
    }

    public int inputRank() {
        return core.dim(1);
    }

    /** The dense kernel the chain computes. */
    public DenseTensor reconstruct() {
        int cout = last.dim(0);
        int cin = first.dim(1);
        return DenseTensor.of(
                TuckerTwo.expand(
                        last.data(),
                        core.data(),
                        first.data(),
                        cout,
                        cin,
                        outputRank(),
                        inputRank(),
                        core.dim(2) * core.dim(3)),
                cout,
                cin,
                core.dim(2),
                core.dim(3));
    }

    public TuckerTwoFactors roundedTo(WeightType type) {
        return new TuckerTwoFactors(
                first.roundedTo(type),
                core.roundedTo(type),
                last.roundedTo(type),
                relativeError,
                initialRelativeError,
                relativeOutputError,
                iterations);
    }
}
