package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.Attribute;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Data movement: Reshape, Flatten, Squeeze and Unsqueeze all become {@code R.reshape} to the
 * output's static shape (already resolved by shape inference, so 0 and -1 need no second
 * interpretation); Transpose to {@code R.permute_dims}; Concat; Slice with constant bounds
 * to {@code R.strided_slice}; Split to {@code R.split}; Pad, Tile, Expand; ConstantOfShape to
 * {@code R.full} of the inferred shape; Range with constant bounds from {@code R.arange}; DepthToSpace and SpaceToDepth as reshape, transpose,
 * reshape.
 */
final class ShapeOps {
    private ShapeOps() {}

    static void register(Map<String, OpRule> rules) {
        for (String op : new String[] {"Reshape", "Flatten", "Squeeze", "Unsqueeze"}) {
            rules.put(
                    op,
                    (n, cx) -> cx.bind(
                            n.output(0),
                            "R.reshape(" + cx.use(n.input(0)) + ", R.shape(" + EmitContext.list(cx.dims(n.output(0)))
                                    + "))"));
        }
        rules.put("Transpose", ShapeOps::transpose);
        rules.put("Concat", ShapeOps::concat);
        rules.put("Slice", ShapeOps::slice);
        rules.put("Split", ShapeOps::split);
        rules.put("Pad", ShapeOps::pad);
        rules.put(
                "Tile",
                (n, cx) -> cx.bind(
                        n.output(0),
                        "R.tile(" + cx.use(n.input(0)) + ", repeats="
                                + EmitContext.list(cx.constInts(n.input(1), "Tile's repeats")) + ")"));
        // Expand's output shape is the inferred one (the constant shape broadcast with the input's).
        rules.put(
                "Expand",
                (n, cx) -> cx.bind(
                        n.output(0),
                        "R.broadcast_to(" + cx.use(n.input(0)) + ", R.shape(" + EmitContext.list(cx.dims(n.output(0)))
                                + "))"));
        rules.put("ConstantOfShape", ShapeOps::constantOfShape);
        rules.put("Range", ShapeOps::range);
        rules.put("DepthToSpace", ShapeOps::depthToSpace);
        rules.put("SpaceToDepth", ShapeOps::spaceToDepth);
    }

    /**
     * Pad with constant pads (and value, and axes): {@code R.nn.pad}, whose widths are
     * (before, after) per axis where ONNX lists all befores, then all afters.
     */
    private static void pad(Node n, EmitContext cx) {
        String mode = n.stringAttr("mode", "constant");
        if (!mode.equals("constant") && !mode.equals("edge") && !mode.equals("reflect")) {
            throw cx.unsupported("Pad mode " + mode + " is not supported");
        }
        int rank = cx.rank(n.input(0));
        long[] pads = cx.opset() < 11 ? n.intsAttr("pads") : cx.constInts(n.input(1), "Pad's pads");
        long[] axes = optional(n, cx, 3, "Pad's axes");
        if (axes == null) {
            axes = new long[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        }
        int k = axes.length;
        long[] width = new long[2 * rank];
        for (int i = 0; i < k; i++) {
            int a = EmitContext.axis(axes[i], rank);
            width[2 * a] = pads[i];
            width[2 * a + 1] = pads[i + k];
        }
        for (long w : width) {
            if (w < 0) {
                throw cx.unsupported("Pad with negative pads (cropping) is not supported");
            }
        }
        double value = 0;
        if (cx.opset() < 11) {
            value = n.floatAttr("value", 0f);
        } else if (n.inputs().size() > 2 && n.input(2) != null) {
            dev.yard.ir.Tensor t = EmitContext.constant(n.input(2));
            if (t == null) {
                throw cx.unsupported("Pad's constant_value is computed at run time");
            }
            value = t.getDouble(0);
        }
        // ONNX's edge is Relax's replicate (Relax reads an unknown mode name as constant).
        String relaxMode = mode.equals("edge") ? "replicate" : mode;
        cx.bind(
                n.output(0),
                "R.nn.pad(" + cx.use(n.input(0)) + ", pad_width=" + EmitContext.list(width) + ", pad_mode=\""
                        + relaxMode + "\", pad_value=" + Double.toString(value) + ")");
    }

    /** ConstantOfShape: {@code R.full} of the output's inferred shape (the shape input is read by inference). */
    private static void constantOfShape(Node n, EmitContext cx) {
        Value y = n.output(0);
        Attribute a = n.attribute("value");
        double v = a == null ? 0 : ((Tensor) a.value()).getDouble(0);
        DType t = cx.dtype(y);
        String literal = t.elementType().isFloatingPoint()
                ? Double.toString(v)
                : t == DType.BOOL ? (v != 0 ? "True" : "False") : Long.toString((long) v);
        cx.bind(
                y,
                "R.full(R.shape(" + EmitContext.list(cx.dims(y)) + "), R.const(" + literal + ", \"" + t.tvmName()
                        + "\"), dtype=\"" + t.tvmName() + "\")");
    }

    /**
     * Range: start + i * delta for i below the output's length, as ONNX defines it; the index
     * comes from {@code R.arange(0, n)} (TVM 0.27 infers the length of an integer arange with a
     * negative step wrongly).
     */
    private static void range(Node n, EmitContext cx) {
        Value y = n.output(0);
        DType t = cx.dtype(y);
        String[] bounds = new String[3];
        for (int i = 0; i < 3; i++) {
            Tensor v = EmitContext.constant(n.input(i));
            if (v == null) {
                throw cx.unsupported("Range's bounds are computed at run time");
            }
            bounds[i] = "R.const("
                    + (t.elementType().isFloatingPoint()
                            ? EmitContext.floatLiteral((float) v.getDouble(0))
                            : Long.toString(v.getLong(0)))
                    + ", \"" + t.tvmName() + "\")";
        }
        long[] d = cx.dims(y);
        String index = cx.temp(y, "index", d, t, "R.arange(0, " + d[0] + ", 1, dtype=\"" + t.tvmName() + "\")");
        String steps = cx.temp(y, "steps", d, t, "R.multiply(" + index + ", " + bounds[2] + ")");
        cx.bind(y, "R.add(" + steps + ", " + bounds[0] + ")");
    }

    /**
     * DepthToSpace: the channels split into [b, b, C'] (DCR, the default) or [C', b, b] (CRD),
     * the two block axes moved next to H and W, then merged into them.
     */
    private static void depthToSpace(Node n, EmitContext cx) {
        long b = n.intAttr("blocksize", 0);
        long[] d = cx.dims(n.input(0));
        if (d.length != 4 || b < 1 || d[1] % (b * b) != 0) {
            throw cx.unsupported("DepthToSpace needs a rank-4 input whose channels are a multiple of blocksize^2");
        }
        long c = d[1] / (b * b);
        String mode = n.stringAttr("mode", "DCR");
        long[] split;
        long[] perm;
        switch (mode) {
            case "DCR" -> {
                split = new long[] {d[0], b, b, c, d[2], d[3]};
                perm = new long[] {0, 3, 4, 1, 5, 2};
            }
            case "CRD" -> {
                split = new long[] {d[0], c, b, b, d[2], d[3]};
                perm = new long[] {0, 1, 4, 2, 5, 3};
            }
            default -> throw cx.unsupported("DepthToSpace mode '" + mode + "' is not DCR or CRD");
        }
        rearrange(n, cx, split, perm);
    }

    /** SpaceToDepth: H and W split into blocks, the block axes moved before the channels, merged into them. */
    private static void spaceToDepth(Node n, EmitContext cx) {
        long b = n.intAttr("blocksize", 0);
        long[] d = cx.dims(n.input(0));
        if (d.length != 4 || b < 1 || d[2] % b != 0 || d[3] % b != 0) {
            throw cx.unsupported("SpaceToDepth needs a rank-4 input whose H and W are multiples of blocksize");
        }
        rearrange(n, cx, new long[] {d[0], d[1], d[2] / b, b, d[3] / b, b}, new long[] {0, 3, 5, 1, 2, 4});
    }

    /** Reshape to {@code split}, permute by {@code perm}, reshape to the output's shape. */
    private static void rearrange(Node n, EmitContext cx, long[] split, long[] perm) {
        Value y = n.output(0);
        DType t = cx.dtype(y);
        String parts = cx.temp(
                y,
                "split",
                split,
                t,
                "R.reshape(" + cx.use(n.input(0)) + ", R.shape(" + EmitContext.list(split) + "))");
        long[] moved = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            moved[i] = split[(int) perm[i]];
        }
        String permuted =
                cx.temp(y, "moved", moved, t, "R.permute_dims(" + parts + ", axes=" + EmitContext.list(perm) + ")");
        cx.bind(y, "R.reshape(" + permuted + ", R.shape(" + EmitContext.list(cx.dims(y)) + "))");
    }

    /**
     * Split (every opset: sizes from the attribute, the second input or {@code num_outputs})
     * to {@code R.split} at the boundaries of the outputs' inferred sizes, then one binding per
     * output taken from the tuple.
     */
    private static void split(Node n, EmitContext cx) {
        Value x = n.input(0);
        int axis = EmitContext.axis(n.intAttr("axis", 0), cx.rank(x));
        int k = n.outputs().size();
        long[] indices = new long[k - 1];
        StringJoiner types = new StringJoiner(", ", "R.Tuple(", ")");
        long at = 0;
        for (int i = 0; i < k; i++) {
            Value y = n.output(i);
            if (y == null) {
                throw cx.unsupported("Split with an unnamed output is not supported");
            }
            types.add(cx.type(y));
            at += cx.dims(y)[axis];
            if (i < k - 1) {
                indices[i] = at;
            }
        }
        if (at != cx.dims(x)[axis]) {
            throw cx.unsupported("Split's outputs take " + at + " of axis " + axis + "'s " + cx.dims(x)[axis]);
        }
        String parts = cx.tempTuple(
                n.output(0),
                "parts",
                types.toString(),
                "R.split(" + cx.use(x) + ", indices_or_sections=" + EmitContext.list(indices) + ", axis=" + axis + ")");
        for (int i = 0; i < k; i++) {
            cx.bind(n.output(i), parts + "[" + i + "]");
        }
    }

    private static void transpose(Node n, EmitContext cx) {
        int rank = cx.rank(n.input(0));
        long[] perm = n.intsAttr("perm");
        if (perm == null) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        cx.bind(n.output(0), "R.permute_dims(" + cx.use(n.input(0)) + ", axes=" + EmitContext.list(perm) + ")");
    }

    private static void concat(Node n, EmitContext cx) {
        StringJoiner parts = new StringJoiner(", ", "(", n.inputs().size() == 1 ? ",)" : ")");
        for (Value v : n.inputs()) {
            parts.add(cx.use(v));
        }
        int axis = EmitContext.axis(n.intAttr("axis", 0), cx.rank(n.output(0)));
        cx.bind(n.output(0), "R.concat(" + parts + ", axis=" + axis + ")");
    }

    private static void slice(Node n, EmitContext cx) {
        Value x = n.input(0);
        long[] d = cx.dims(x);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (cx.opset() < 10) {
            starts = n.intsAttr("starts");
            ends = n.intsAttr("ends");
            axes = n.intsAttr("axes");
        } else {
            starts = cx.constInts(n.input(1), "Slice's starts");
            ends = cx.constInts(n.input(2), "Slice's ends");
            axes = optional(n, cx, 3, "Slice's axes");
            steps = optional(n, cx, 4, "Slice's steps");
        }
        int k = starts.length;
        long[] ax = new long[k];
        long[] begin = new long[k];
        long[] end = new long[k];
        long[] stride = new long[k];
        for (int i = 0; i < k; i++) {
            ax[i] = axes == null ? i : EmitContext.axis(axes[i], d.length);
            long size = d[(int) ax[i]];
            stride[i] = steps == null ? 1 : steps[i];
            if (stride[i] <= 0) {
                throw cx.unsupported("Slice with a step of " + stride[i] + " is not supported");
            }
            begin[i] = clamp(starts[i], size);
            end[i] = clamp(ends[i], size);
        }
        cx.bind(
                n.output(0),
                "R.strided_slice(" + cx.use(x) + ", axes=" + EmitContext.list(ax) + ", begin=" + EmitContext.list(begin)
                        + ", end=" + EmitContext.list(end) + ", strides=" + EmitContext.list(stride) + ")");
    }

    private static long[] optional(Node n, EmitContext cx, int i, String what) {
        return n.inputs().size() > i && n.input(i) != null ? cx.constInts(n.input(i), what) : null;
    }

    /** ONNX's reading of a bound for a positive step: negative counts from the end, then clamp to [0, size]. */
    private static long clamp(long v, long size) {
        long r = v < 0 ? v + size : v;
        return Math.max(0, Math.min(size, r));
    }
}
