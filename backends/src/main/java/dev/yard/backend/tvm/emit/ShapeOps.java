package dev.yard.backend.tvm.emit;

import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Data movement: Reshape, Flatten, Squeeze and Unsqueeze all become {@code R.reshape} to the
 * output's static shape (already resolved by shape inference, so 0 and -1 need no second
 * interpretation); Transpose to {@code R.permute_dims}; Concat; Slice with constant bounds
 * to {@code R.strided_slice}; Split to {@code R.split}.
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
        rules.put("Gather", ShapeOps::gather);
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

    /** Gather with constant, non-negative indices: {@code R.take} along the axis. */
    private static void gather(Node n, EmitContext cx) {
        long[] indices = cx.constInts(n.input(1), "Gather's indices");
        for (long i : indices) {
            if (i < 0) {
                throw cx.unsupported("Gather with negative indices is not supported");
            }
        }
        int axis = EmitContext.axis(n.intAttr("axis", 0), cx.rank(n.input(0)));
        cx.bind(n.output(0), "R.take(" + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ", axis=" + axis + ")");
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
