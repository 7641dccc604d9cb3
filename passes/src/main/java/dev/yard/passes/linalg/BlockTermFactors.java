package dev.yard.passes.linalg;

/**
 * A kernel W[Cout, Cin, kh, kw] as the {@code btd} chain (block-term Tucker-2 with G groups):
 * 1x1 Cin->Rin ; kh x kw Rin->Rout with group=G ; 1x1 Rout->Cout. Group g of the middle conv
 * reads channels [g·Rin/G, (g+1)·Rin/G) and writes [g·Rout/G, (g+1)·Rout/G).
 *
 * @param first [Rin, Cin, 1, 1]
 * @param core [Rout, Rin/G, kh, kw], the grouped conv's weight
 * @param last [Cout, Rout, 1, 1]
 * @param relativeError ||W - W~|| / ||W||
 * @param initialRelativeError the same for the block-diagonal truncation of a Tucker-2 fit
 *     that initialises the alternating least squares
 */
public record BlockTermFactors(
        DenseTensor first,
        DenseTensor core,
        DenseTensor last,
        int groups,
        double relativeError,
        double initialRelativeError,
        int iterations) {

    /** The dense kernel the chain computes. */
    public DenseTensor reconstruct() {
        int cout = last.dim(0);
        int cin = first.dim(1);
        int rout = core.dim(0);
        int rin = first.dim(0);
        int s = core.dim(2) * core.dim(3);
        double[] sum = new double[cout * cin * s];
        for (int g = 0; g < groups; g++) {
            BlockTermTucker.Block b = BlockTermTucker.Block.slice(this, g);
            double[] term = TuckerTwo.expand(
                    b.uOut().data, b.core(), Dense.transpose(b.uIn()).data, cout, cin, rout / groups, rin / groups, s);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += term[i];
            }
        }
        return DenseTensor.of(sum, cout, cin, core.dim(2), core.dim(3));
    }

    public BlockTermFactors roundedTo(WeightType type) {
        return new BlockTermFactors(
                first.roundedTo(type),
                core.roundedTo(type),
                last.roundedTo(type),
                groups,
                relativeError,
                initialRelativeError,
                iterations);
    }
}
