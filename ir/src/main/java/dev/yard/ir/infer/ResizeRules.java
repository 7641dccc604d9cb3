package dev.yard.ir.infer;

import dev.yard.ir.Dim;
import dev.yard.ir.Shape;
import dev.yard.ir.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resize and the older Upsample: output sizes from constant {@code sizes}, or from constant
 * {@code scales} as floor(input size x scale).
 */
final class ResizeRules implements RuleFamily {

    @Override
    public void register(Map<String, ShapeRule> rules) {
        rules.put("Resize", ResizeRules::resize);
        rules.put("Upsample", ResizeRules::resize);
    }

    private static List<ValueType> resize(NodeContext c) {
        Shape in = c.shape(0);
        boolean upsample = c.node().opType().equals("Upsample");
        // Resize-10 and Upsample-9 take (X, scales); Resize-11+ takes (X, roi, scales, sizes).
        int scalesAt = upsample || c.opset() < 11 ? 1 : 2;
        double[] scales = upsample && c.opset() < 9 ? floats(c.node().attribute("scales")) : c.constDoubles(scalesAt);
        long[] sizes = !upsample && c.opset() >= 11 && c.has(3) ? c.constInts(3) : null;
        if (scales != null && scales.length == 0) {
            scales = null; // an empty scales tensor stands for "not given" next to sizes
        }
        if (sizes != null && sizes.length == 0) {
            sizes = null;
        }
        if (in == null) {
            int len = sizes != null ? sizes.length : scales != null ? scales.length : -1;
            return NodeContext.one(c.elem(0), len < 0 || c.hasAttr("axes") ? null : Dims.unknownDims(len));
        }
        int r = in.rank();
        long[] axes = c.ints("axes");
        if (axes == null) {
            axes = new long[r];
            for (int i = 0; i < r; i++) {
                axes[i] = i;
            }
        }
        String policy = c.str("keep_aspect_ratio_policy", "stretch");
        List<Dim> out = new ArrayList<>(in.dims());
        if (sizes != null && policy.equals("stretch")) {
            check(c, sizes.length, axes.length);
            for (int i = 0; i < axes.length; i++) {
                out.set(c.axis(axes[i], r), Dim.of(sizes[i]));
            }
        } else if (scales != null && sizes == null) {
            check(c, scales.length, axes.length);
            for (int i = 0; i < axes.length; i++) {
                int ax = c.axis(axes[i], r);
                Dim d = in.dim(ax);
                out.set(
                        ax,
                        scales[i] == 1.0
                                ? d
                                : d instanceof Dim.Known k
                                        ? Dim.of((long) Math.floor(k.size() * scales[i]))
                                        : Dim.UNKNOWN);
            }
        } else {
            // Sizes or scales not constant, or a keep-aspect-ratio policy: only the rank is sure.
            for (long a : axes) {
                out.set(c.axis(a, r), Dim.UNKNOWN);
            }
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    private static void check(NodeContext c, int got, int axes) {
        if (got != axes) {
            throw c.error("scales/sizes have " + got + " entries for " + axes + " axes");
        }
    }

    private static double[] floats(dev.yard.ir.Attribute a) {
        if (a == null || a.isReference()) {
            return null;
        }
        float[] f = a.asFloats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
