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
