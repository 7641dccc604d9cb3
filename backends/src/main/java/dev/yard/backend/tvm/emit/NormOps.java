package dev.yard.backend.tvm.emit;

import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * BatchNormalization (inference form) to {@code R.nn.batch_norm}; Softmax and LogSoftmax,
 * with the opset-12-and-earlier meaning (flatten to 2-D at the axis) kept exactly; the
 * reductions ReduceMean, ReduceSum, ReduceMax, ReduceMin.
 */
final class NormOps {
    private NormOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("InstanceNormalization", NormOps::instanceNorm);
        rules.put("BatchNormalization", NormOps::batchNorm);
        rules.put("Softmax", (n, cx) -> softmax(n, cx, "R.nn.softmax"));
        rules.put("LogSoftmax", (n, cx) -> softmax(n, cx, "R.nn.log_softmax"));
        rules.put("ReduceMean", (n, cx) -> reduce(n, cx, "R.mean"));
        rules.put("ReduceSum", (n, cx) -> reduce(n, cx, "R.sum"));
        rules.put("ReduceMax", (n, cx) -> reduce(n, cx, "R.max"));
        rules.put("ReduceMin", (n, cx) -> reduce(n, cx, "R.min"));
    }

    private static void batchNorm(Node n, EmitContext cx) {
        if (n.outputs().stream().skip(1).anyMatch(v -> v != null)) {
            throw cx.unsupported("BatchNormalization in training mode (running statistics outputs) is not supported");
        }
        Value x = n.input(0);
        Value y = n.output(0);
        long c = cx.dims(x)[1];
        String stat = EmitContext.tensorType(new long[] {c}, cx.dtype(n.input(3)));
        String tupleType = "R.Tuple(" + cx.type(y) + ", " + stat + ", " + stat + ")";
        String bn = cx.tempTuple(
                y,
                "bn",
                tupleType,
                "R.nn.batch_norm(" + cx.use(x) + ", " + cx.use(n.input(1)) + ", "
                        + cx.use(n.input(2)) + ", " + cx.use(n.input(3)) + ", " + cx.use(n.input(4))
                        + ", axis=1, epsilon="
                        + EmitContext.floatLiteral(n.floatAttr("epsilon", 1e-5f))
                        + ", center=True, scale=True, training=False)");
        cx.bind(y, bn + "[0]");
    }

    /** InstanceNormalization over the spatial axes of each channel: {@code R.nn.instance_norm}. */
    private static void instanceNorm(Node n, EmitContext cx) {
        int rank = cx.rank(n.input(0));
        long[] axes = new long[rank - 2];
        for (int i = 2; i < rank; i++) {
            axes[i - 2] = i;
        }
        cx.bind(
                n.output(0),
                "R.nn.instance_norm(" + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ", " + cx.use(n.input(2))
                        + ", channel_axis=1, axes=" + EmitContext.list(axes) + ", epsilon="
                        + EmitContext.floatLiteral(n.floatAttr("epsilon", 1e-5f)) + ")");
    }

    private static void softmax(Node n, EmitContext cx, String op) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(x);
        int rank = d.length;
        boolean legacy = cx.opset() < 13;
        int axis = EmitContext.axis(n.intAttr("axis", legacy ? 1 : -1), rank);
        if (!legacy || axis == rank - 1) {
            cx.bind(y, op + "(" + cx.use(x) + ", axis=" + (legacy ? -1 : axis) + ")");
            return;
        }
        // Before opset 13 the input is flattened to [prod(d[:axis]), prod(d[axis:])] first.
        long rows = 1;
        long cols = 1;
        for (int i = 0; i < rank; i++) {
            if (i < axis) {
                rows *= d[i];
            } else {
                cols *= d[i];
            }
        }
        long[] flat = {rows, cols};
        String f = cx.temp(
                y, "flat", flat, cx.dtype(x), "R.reshape(" + cx.use(x) + ", R.shape(" + EmitContext.list(flat) + "))");
        String s = cx.temp(y, "softmax", flat, cx.dtype(y), op + "(" + f + ", axis=1)");
        cx.bind(y, "R.reshape(" + s + ", R.shape(" + EmitContext.list(d) + "))");
    }

    private static void reduce(Node n, EmitContext cx, String op) {
        Value x = n.input(0);
        int rank = cx.rank(x);
        long[] axes = n.intsAttr("axes");
        if (axes == null && n.inputs().size() > 1 && n.input(1) != null) {
            axes = cx.constInts(n.input(1), "the axes of " + n.opType());
        }
        if (axes == null) {
            if (n.intAttr("noop_with_empty_axes", 0) != 0) {
                cx.alias(n.output(0), x);
                return;
            }
            axes = new long[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        }
        long[] norm = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            norm[i] = EmitContext.axis(axes[i], rank);
        }
        boolean keep = n.intAttr("keepdims", 1) != 0;
        cx.bind(
                n.output(0),
                op + "(" + cx.use(x) + ", axis=" + EmitContext.list(norm) + ", keepdims=" + (keep ? "True" : "False")
                        + ")");
    }
}
