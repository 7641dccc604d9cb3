package dev.yard.passes.cost;

import dev.yard.ir.ElementType;
import dev.yard.passes.conv.ConvLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One layer configuration as a cost model prices it: a 2-D convolution or a matrix product,
 * with its shapes and element type but no weights. A decomposed layer is a list of these.
 */
public sealed interface Layer {
    /** The element type the layer computes in. */
    ElementType type();

    /** Multiply-accumulates of one run. */
    long macs();

    /** Bytes of the layer's input, output and weights (each read or written once). */
    long bytes();

    /** A canonical one-line description: equal layers, equal keys (cache keys, table rows). */
    String key();

    /** What kind of kernel runs it: cost models price each kind at its own speed. */
    Kind kind();

    /** Kernel kinds, which run at very different fractions of a machine's peak. */
    enum Kind {
        /** a k x k conv with every input channel feeding every output */
        DENSE,
        /** a 1x1 conv: a matrix product over pixels */
        POINTWISE,
        /** a conv whose group is neither 1 nor its channel count */
        GROUPED,
        /** one channel per group */
        DEPTHWISE,
        /** a k x 1 or 1 x k conv, the separable middles of cp and tt chains */
        SEPARABLE,
        /** Gemm or MatMul */
        MATRIX;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A conv on an input of [batch, in, h, w]; pads are top, left, bottom, right.
     */
    record Conv(
            ElementType type,
            int batch,
            int in,
            int out,
            int h,
            int w,
            int kh,
            int kw,
            int group,
            int[] strides,
            int[] pads,
            int[] dilations)
            implements Layer {
        public Conv {
            if (batch < 1
                    || in < 1
                    || out < 1
                    || h < 1
                    || w < 1
                    || kh < 1
                    || kw < 1
                    || group < 1
                    || in % group != 0
                    || out % group != 0) {
                throw new IllegalArgumentException("not a conv configuration: "
                        + describe(type, batch, in, out, h, w, kh, kw, group, strides, pads, dilations));
            }
            strides = strides.clone();
            pads = pads.clone();
            dilations = dilations.clone();
        }

        /** The conv {@code c} on an input of [batch, c.in(), h, w]. */
        public static Conv of(ConvLayer c, int batch, int h, int w) {
            return new Conv(
                    c.elementType(),
                    batch,
                    c.in(),
                    c.out(),
                    h,
                    w,
                    c.kh(),
                    c.kw(),
                    c.group(),
                    c.strides(),
                    c.pads(),
                    c.dilations());
        }

        /** A dense, unpadded 1x1 conv. */
        public static Conv pointwise(ElementType type, int batch, int in, int out, int h, int w) {
            return new Conv(type, batch, in, out, h, w, 1, 1, 1, new int[] {1, 1}, new int[4], new int[] {1, 1});
        }

        public int outH() {
            return (h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) / strides[0] + 1;
        }

        public int outW() {
            return (w + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) / strides[1] + 1;
        }

        @Override
        public long macs() {
            return (long) batch * out * outH() * outW() * (in / group) * kh * kw;
        }

        public long weights() {
            return (long) out * (in / group) * kh * kw;
        }

        @Override
        public long bytes() {
            long elements = (long) batch * in * h * w + (long) batch * out * outH() * outW() + weights() + out;
            return type.byteSize(elements);
        }

        @Override
        public Kind kind() {
            if (group > 1) {
                return group == in && group == out ? Kind.DEPTHWISE : Kind.GROUPED;
            }
            if (kh == 1 && kw == 1) {
                return Kind.POINTWISE;
            }
            if (kh == 1 || kw == 1) {
                return Kind.SEPARABLE;
            }
            return Kind.DENSE;
        }

        @Override
        public String key() {
            return describe(type, batch, in, out, h, w, kh, kw, group, strides, pads, dilations);
        }

        private static String describe(
                ElementType type,
                int batch,
                int in,
                int out,
                int h,
                int w,
                int kh,
                int kw,
                int group,
                int[] strides,
                int[] pads,
                int[] dilations) {
            return String.format(
                    Locale.ROOT,
                    "conv %s n%d c%d->%d h%dw%d k%dx%d g%d s%s p%s d%s",
                    type.textName(),
                    batch,
                    in,
                    out,
                    h,
                    w,
                    kh,
                    kw,
                    group,
                    join(strides),
                    join(pads),
                    join(dilations));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Conv c && key().equals(c.key());
        }

        @Override
        public int hashCode() {
            return key().hashCode();
        }

        @Override
        public String toString() {
            return key();
        }
    }

    /** A product [rows, k] x [k, n]: a Gemm or MatMul by a constant weight. */
    record Matrix(ElementType type, int rows, int k, int n) implements Layer {
        public Matrix {
            if (rows < 1 || k < 1 || n < 1) {
                throw new IllegalArgumentException(
                        "not a matrix configuration: " + rows + "x" + k + " by " + k + "x" + n);
            }
        }

        @Override
        public long macs() {
            return (long) rows * k * n;
        }

        @Override
        public long bytes() {
            return type.byteSize((long) rows * k + (long) k * n + (long) rows * n + n);
        }

        @Override
        public Kind kind() {
            return Kind.MATRIX;
        }

        @Override
        public String key() {
            return String.format(Locale.ROOT, "matmul %s m%d k%d n%d", type.textName(), rows, k, n);
        }

        @Override
        public String toString() {
            return key();
        }
    }

    /** A conv chain as its layers: the first reads [batch, ?, h, w], each next one the previous output. */
    static List<Layer> chain(List<ConvLayer> convs, int batch, int h, int w) {
        List<Layer> layers = new ArrayList<>();
        for (ConvLayer c : convs) {
            Conv conv = Conv.of(c, batch, h, w);
            layers.add(conv);
            h = conv.outH();
            w = conv.outW();
        }
        return layers;
    }

    private static String join(int[] v) {
        return String.join(",", Arrays.stream(v).mapToObj(Integer::toString).toList());
    }
}
