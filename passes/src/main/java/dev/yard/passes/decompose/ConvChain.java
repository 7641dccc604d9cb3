package dev.yard.passes.decompose;

import dev.yard.ir.ElementType;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.BlockTermFactors;
import dev.yard.passes.linalg.CpFactors;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.LowRankFactors;
import dev.yard.passes.linalg.TensorTrainFactors;
import dev.yard.passes.linalg.TuckerTwoFactors;
import java.util.List;

/**
 * The convs of a factor chain, from the factors the numerical core returns (each already
 * shaped as a conv weight). The original conv's geometry goes where the kernel's extent is:
 * on the kh x kw factor for svd, tucker2 and btd, split by axis between the kh x 1 and 1 x kw
 * factors for cp and tt. The bias goes on the last factor.
 */
final class ConvChain {
    private ConvChain() {}

    static List<ConvLayer> svd(ConvLayer orig, LowRankFactors f) {
        return List.of(spatial(orig, f.first(), 1), pointwise(orig, f.last(), orig.bias()));
    }

    static List<ConvLayer> tucker2(ConvLayer orig, TuckerTwoFactors f) {
        return List.of(
                pointwise(orig, f.first(), null), spatial(orig, f.core(), 1), pointwise(orig, f.last(), orig.bias()));
    }

    static List<ConvLayer> btd(ConvLayer orig, BlockTermFactors f) {
        return List.of(
                pointwise(orig, f.first(), null),
                spatial(orig, f.core(), f.groups()),
                pointwise(orig, f.last(), orig.bias()));
    }

    static List<ConvLayer> cp(ConvLayer orig, CpFactors f) {
        int r = f.rank();
        return List.of(
                pointwise(orig, f.first(), null),
                vertical(orig, f.vertical(), r),
                horizontal(orig, f.horizontal(), r),
                pointwise(orig, f.last(), orig.bias()));
    }

    static List<ConvLayer> tt(ConvLayer orig, TensorTrainFactors f) {
        return List.of(
                pointwise(orig, f.first(), null),
                vertical(orig, f.vertical(), 1),
                horizontal(orig, f.horizontal(), 1),
                pointwise(orig, f.last(), orig.bias()));
    }

    /** A 1x1 conv with weight {@code w} [out, in, 1, 1]. */
    static ConvLayer pointwise(ConvLayer orig, DenseTensor w, double[] bias) {
        return new ConvLayer(
                w.dim(0),
                w.dim(1),
                1,
                1,
                w.data(),
                bias,
                1,
                new int[] {1, 1},
                new int[4],
                new int[] {1, 1},
                orig.elementType());
    }

    /** A conv with the original kernel extent, stride, padding and dilation. */
    private static ConvLayer spatial(ConvLayer orig, DenseTensor w, int group) {
        return new ConvLayer(
                w.dim(0),
                w.dim(1),
                w.dim(2),
                w.dim(3),
                w.data(),
                null,
                group,
                orig.strides(),
                orig.pads(),
                orig.dilations(),
                orig.elementType());
    }

    /** A kh x 1 conv carrying the original geometry of the H axis. */
    private static ConvLayer vertical(ConvLayer orig, DenseTensor w, int group) {
        return new ConvLayer(
                w.dim(0),
                w.dim(1),
                w.dim(2),
                1,
                w.data(),
                null,
                group,
                new int[] {orig.strides()[0], 1},
                new int[] {orig.pads()[0], 0, orig.pads()[2], 0},
                new int[] {orig.dilations()[0], 1},
                orig.elementType());
    }

    /** A 1 x kw conv carrying the original geometry of the W axis. */
    private static ConvLayer horizontal(ConvLayer orig, DenseTensor w, int group) {
        return new ConvLayer(
                w.dim(0),
                w.dim(1),
                1,
                w.dim(3),
                w.data(),
                null,
                group,
                new int[] {1, orig.strides()[1]},
                new int[] {0, orig.pads()[1], 0, orig.pads()[3]},
                new int[] {1, orig.dilations()[1]},
                orig.elementType());
    }

    /** The kernel as the numerical core takes it. */
    static DenseTensor kernel(ConvLayer c) {
        return DenseTensor.of(c.weights().clone(), c.out(), c.inPerGroup(), c.kh(), c.kw());
    }

    static boolean supported(ElementType t) {
        return t == ElementType.FLOAT
                || t == ElementType.FLOAT16
                || t == ElementType.DOUBLE
                || t == ElementType.BFLOAT16;
    }
}
