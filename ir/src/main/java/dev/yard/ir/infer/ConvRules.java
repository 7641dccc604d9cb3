package dev.yard.ir.infer;

import dev.yard.ir.Dim;
import dev.yard.ir.Shape;
import dev.yard.ir.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Conv and ConvTranspose: batch from X, channels from W (times group for the transpose),
 * spatial sizes from the window arithmetic.
 */
final class ConvRules implements RuleFamily {

    @Override
    public void register(Map<String, ShapeRule> rules) {
        rules.put("Conv", ConvRules::conv);
        rules.put("ConvTranspose", ConvRules::convTranspose);
        // ConvInteger reads X and W like Conv (zero points third and fourth) and accumulates in int32.
        rules.put("ConvInteger", c -> int32(conv(c)));
    }

    private static List<ValueType> int32(List<ValueType> types) {
        ValueType.TensorType t = (ValueType.TensorType) types.get(0);
        return NodeContext.one(dev.yard.ir.ElementType.INT32, t.shape());
    }

    /** The rank of the conv's data, from X or else from W. */
    private static int rank(NodeContext c) {
        int r = c.rank(0);
        if (r < 0) {
            r = c.rank(1);
        }
        if (r >= 0 && r < 3) {
            throw c.error("input rank " + r + " is below 3 (N, C and at least one spatial axis)");
        }
        if (c.rank(0) >= 0 && c.rank(1) >= 0 && c.rank(0) != c.rank(1)) {
            throw c.error("X has rank " + c.rank(0) + " but W has rank " + c.rank(1));
        }
        return r;
    }

    /** Kernel sizes from kernel_shape or W's trailing dims; -1 where unknown. */
    private static long[] kernel(NodeContext c, int n) {
        long[] k = c.ints("kernel_shape");
        if (k != null) {
            if (k.length != n) {
                throw c.error("kernel_shape has " + k.length + " entries for " + n + " spatial axes");
            }
            return k;
        }
        long[] out = new long[n];
        Shape w = c.shape(1);
        for (int i = 0; i < n; i++) {
            out[i] = w == null ? -1 : w.dim(i + 2).sizeOrNegative();
        }
        return out;
    }

    private static Dim dimOr(Shape s, int i) {
        return s == null ? Dim.UNKNOWN : s.dim(i);
    }

    private static List<ValueType> conv(NodeContext c) {
        int r = rank(c);
        if (r < 0) {
            return NodeContext.one(c.elem(0), null);
        }
        int n = r - 2;
        Shape x = c.shape(0);
        Shape w = c.shape(1);
        long group = c.intAttr("group", 1);
        if (x != null
                && w != null
                && x.dim(1).isKnown()
                && w.dim(1).isKnown()
                && x.dim(1).sizeOrNegative() != w.dim(1).sizeOrNegative() * group) {
            throw c.error("X has " + x.dim(1) + " channels but W expects " + w.dim(1) + " x group " + group);
        }
        List<Dim> out = new ArrayList<>();
        out.add(dimOr(x, 0));
        out.add(dimOr(w, 0));
        long[] k = kernel(c, n);
        Window win = Window.of(c, n);
        out.addAll(x == null ? Dims.unknownDims(n).dims() : win.output(Window.spatial(x), k, false));
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    private static List<ValueType> convTranspose(NodeContext c) {
        int r = rank(c);
        if (r < 0) {
            return NodeContext.one(c.elem(0), null);
        }
        int n = r - 2;
        Shape x = c.shape(0);
        Shape w = c.shape(1);
        long group = c.intAttr("group", 1);
        List<Dim> out = new ArrayList<>();
        out.add(dimOr(x, 0));
        out.add(Dims.mul(dimOr(w, 1), group));
        long[] outputShape = c.ints("output_shape");
        if (outputShape != null && outputShape.length > 0) {
            // output_shape may list only the spatial sizes, or N and C too.
            if (outputShape.length != n && outputShape.length != n + 2) {
                throw c.error("output_shape has " + outputShape.length + " entries for " + n + " spatial axes");
            }
            for (int i = outputShape.length - n; i < outputShape.length; i++) {
                out.add(Dim.of(outputShape[i]));
            }
            return NodeContext.one(c.elem(0), new Shape(out));
        }
        long[] k = kernel(c, n);
        Window win = Window.of(c, n);
        long[] outPad = c.ints("output_padding");
        for (int i = 0; i < n; i++) {
            Dim in = x == null ? Dim.UNKNOWN : x.dim(i + 2);
            long s = win.strides()[i];
            boolean same = win.autoPad().startsWith("SAME");
            if (same) {
                out.add(Dims.mul(in, s));
                continue;
            }
            if (k[i] < 0 || !(in instanceof Dim.Known kin)) {
                out.add(Dim.UNKNOWN);
                continue;
            }
            long pads = win.autoPad().equals("VALID") ? 0 : win.pads()[i] + win.pads()[i + n];
            long op = outPad == null || outPad.length == 0 ? 0 : outPad[i];
            long size = s * (kin.size() - 1) + op + (k[i] - 1) * win.dilations()[i] + 1 - pads;
            if (size <= 0) {
                throw c.error("output size " + size + " on spatial axis " + i + " is not positive");
            }
            out.add(Dim.of(size));
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }
}
