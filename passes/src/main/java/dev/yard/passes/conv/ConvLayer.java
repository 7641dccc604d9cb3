package dev.yard.passes.conv;

import dev.yard.ir.Attribute;
import dev.yard.ir.ConvGeometry;
import dev.yard.ir.ElementType;
import dev.yard.ir.Node;
import dev.yard.ir.Outcome;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import java.util.Arrays;

/**
 * A 2-D convolution with constant weights, in plain arrays: weights OIHW [out, in/group, kh,
 * kw] in double precision, optional bias, and the geometry (group, strides, pads as top, left,
 * bottom, right, dilations). What the conv passes read from a {@code Conv} node and write back.
 */
public record ConvLayer(
        int out,
        int inPerGroup,
        int kh,
        int kw,
        double[] weights,
        double[] bias,
        int group,
        int[] strides,
        int[] pads,
        int[] dilations,
        ElementType elementType) {

    /** Channels in: {@code inPerGroup * group}. */
    public int in() {
        return inPerGroup * group;
    }

    /** The same layer, stored as {@code type}. */
    public ConvLayer withElementType(ElementType type) {
        return new ConvLayer(out, inPerGroup, kh, kw, weights, bias, group, strides, pads, dilations, type);
    }

    public boolean isPointwise() {
        return kh == 1
                && kw == 1
                && strides[0] == 1
                && strides[1] == 1
                && pads[0] == 0
                && pads[1] == 0
                && pads[2] == 0
                && pads[3] == 0;
    }

    public boolean hasPadding() {
        return Arrays.stream(pads).anyMatch(p -> p != 0);
    }

    public double weight(int o, int i, int y, int x) {
        return weights[((o * inPerGroup + i) * kh + y) * kw + x];
    }

    /** Parameters of the layer: weights plus bias. */
    public long parameters() {
        return (long) weights.length + (bias == null ? 0 : bias.length);
    }

    /**
     * Reads a 2-D {@code Conv} node whose weights (and bias, if any) are initializers, or
     * says why it cannot; {@code auto_pad} becomes the explicit pads it means
     * ({@link ConvGeometry}), so a chain emitted for the layer pads as it did.
     */
    public static Outcome<ConvLayer> read(Node n) {
        if (!n.is("Conv")) {
            return Outcome.not("not a Conv");
        }
        Value w = n.input(1);
        if (w == null || !w.isInitializer()) {
            return Outcome.not("weights are not a constant initializer");
        }
        Tensor wt = w.initializer();
        if (wt.rank() != 4) {
            return Outcome.not("only 2-D convolutions (4-D weights) are handled, this one has " + (wt.rank() - 2)
                    + " spatial dims");
        }
        if (!wt.elementType().isFloatingPoint() || wt.isPlaceholder()) {
            return Outcome.not("weights of type " + wt.elementType().textName() + " cannot be factorized");
        }
        Value b = n.input(2);
        if (b != null && !b.isInitializer()) {
            return Outcome.not("bias is not a constant initializer");
        }
        Outcome<ConvGeometry> read = ConvGeometry.of(n);
        if (!read.ok()) {
            return Outcome.not(read.whyNot());
        }
        ConvGeometry g = read.value();
        long[] d = wt.dims();
        double[] weights = toDoubles(wt);
        double[] bias = b == null ? null : toDoubles(b.initializer());
        return Outcome.of(new ConvLayer(
                (int) d[0],
                (int) d[1],
                (int) d[2],
                (int) d[3],
                weights,
                bias,
                g.group(),
                g.strides(),
                g.pads(),
                g.dilations(),
                wt.elementType()));
    }

    static double[] toDoubles(Tensor t) {
        int n = Math.toIntExact(t.elementCount());
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = t.getDouble(i);
        }
        return r;
    }

    /** The weights as a tensor of the layer's element type, rounded once. */
    public Tensor weightTensor() {
        return tensor(weights, new long[] {out, inPerGroup, kh, kw});
    }

    public Tensor biasTensor() {
        return bias == null ? null : tensor(bias, new long[] {bias.length});
    }

    private Tensor tensor(double[] v, long[] dims) {
        return Tensor.ofDoublesAs(elementType, dims, v);
    }

    /** Conv attributes for this geometry, in ONNX's usual order, leaving out those at their defaults. */
    public java.util.List<Attribute> attributes() {
        java.util.List<Attribute> a = new java.util.ArrayList<>();
        if (dilations[0] != 1 || dilations[1] != 1) {
            a.add(Attribute.of("dilations", new long[] {dilations[0], dilations[1]}));
        }
        if (group != 1) {
            a.add(Attribute.of("group", (long) group));
        }
        a.add(Attribute.of("kernel_shape", new long[] {kh, kw}));
        if (hasPadding()) {
            a.add(Attribute.of("pads", new long[] {pads[0], pads[1], pads[2], pads[3]}));
        }
        if (strides[0] != 1 || strides[1] != 1) {
            a.add(Attribute.of("strides", new long[] {strides[0], strides[1]}));
        }
        return a;
    }
}
