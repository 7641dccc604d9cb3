package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * The reductions over axes: ReduceMean, ReduceSum, ReduceMax, ReduceMin and ReduceProd to one
 * Relax op each; ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSum and ReduceLogSumExp as an
 * elementwise op around a sum (LogSumExp shifted by the maximum, so large inputs do not
 * overflow). Axes come from the attribute (before opset 13 for ReduceSum, 18 for the rest) or
 * the constant second input; no axes means all of them, unless {@code noop_with_empty_axes}.
 * CumSum, the running sum, to {@code R.cumsum} (reversed by flipping before and after).
 */
final class ReduceOps {
    private ReduceOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("ReduceMean", (n, cx) -> plain(n, cx, "R.mean"));
        rules.put("ReduceSum", (n, cx) -> plain(n, cx, "R.sum"));
        rules.put("ReduceMax", (n, cx) -> plain(n, cx, "R.max"));
        rules.put("ReduceMin", (n, cx) -> plain(n, cx, "R.min"));
        rules.put("ReduceProd", (n, cx) -> plain(n, cx, "R.prod"));
        rules.put("ReduceL1", (n, cx) -> around(n, cx, "R.abs", null));
        rules.put("ReduceSumSquare", (n, cx) -> around(n, cx, "R.square", null));
        rules.put("ReduceL2", (n, cx) -> around(n, cx, "R.square", "R.sqrt"));
        rules.put("ReduceLogSum", (n, cx) -> around(n, cx, null, "R.log"));
        rules.put("ReduceLogSumExp", ReduceOps::logSumExp);
        rules.put("CumSum", ReduceOps::cumSum);
    }

    /** The axes reduced, normalised; null when the node reduces nothing (empty axes and noop_with_empty_axes). */
    private static long[] axes(Node n, EmitContext cx) {
        int rank = cx.rank(n.input(0));
        long[] axes = n.intsAttr("axes");
        if (axes == null && n.inputs().size() > 1 && n.input(1) != null) {
            axes = cx.constInts(n.input(1), "the axes of " + n.opType());
        }
        if (axes == null || axes.length == 0) {
            if (n.intAttr("noop_with_empty_axes", 0) != 0) {
                return null;
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
        return norm;
    }

    private static String call(String op, String x, long[] axes, boolean keep) {
        return op + "(" + x + ", axis=" + EmitContext.list(axes) + ", keepdims=" + (keep ? "True" : "False") + ")";
    }

    private static boolean keep(Node n) {
        return n.intAttr("keepdims", 1) != 0;
    }

    private static void plain(Node n, EmitContext cx, String op) {
        long[] axes = axes(n, cx);
        if (axes == null) {
            cx.alias(n.output(0), n.input(0));
            return;
        }
        cx.bind(n.output(0), call(op, cx.use(n.input(0)), axes, keep(n)));
    }

    /**
     * {@code after(sum(before(x)))}, either function absent when null. With no axes to reduce
     * ONNX still applies both (ReduceL1 of nothing is |x|).
     */
    private static void around(Node n, EmitContext cx, String before, String after) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] axes = axes(n, cx);
        String in = cx.use(x);
        if (before != null) {
            in = cx.temp(y, "elem", cx.dims(x), cx.dtype(x), before + "(" + in + ")");
        }
        String reduced = axes == null ? in : call("R.sum", in, axes, keep(n));
        if (after == null) {
            cx.bind(y, reduced);
            return;
        }
        if (axes != null) {
            reduced = cx.temp(y, "sum", cx.dims(y), cx.dtype(y), reduced);
        }
        cx.bind(y, after + "(" + reduced + ")");
    }

    /** log(sum(exp(x - m))) + m with m the maximum over the same axes (0 where it is infinite). */
    private static void logSumExp(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] axes = axes(n, cx);
        if (axes == null) {
            cx.alias(y, x);
            return;
        }
        long[] kept = cx.dims(x).clone();
        for (long a : axes) {
            kept[(int) a] = 1;
        }
        DType t = cx.dtype(x);
        String max = cx.temp(y, "max", kept, t, call("R.max", cx.use(x), axes, true));
        // An infinite maximum (all -inf, or +inf somewhere) would make x - m NaN.
        String shift =
                cx.temp(y, "shift", kept, t, "R.where(R.isfinite(" + max + "), " + max + ", " + cx.scalar(0f, x) + ")");
        String exp = cx.temp(y, "exp", cx.dims(x), t, "R.exp(R.subtract(" + cx.use(x) + ", " + shift + "))");
        String log = cx.temp(y, "log", kept, t, "R.log(" + call("R.sum", exp, axes, true) + ")");
        String sum = "R.add(" + log + ", " + shift + ")";
        if (keep(n)) {
            cx.bind(y, sum);
        } else {
            String lse = cx.temp(y, "lse", kept, t, sum);
            cx.bind(y, "R.reshape(" + lse + ", R.shape(" + EmitContext.list(cx.dims(y)) + "))");
        }
    }

    private static void cumSum(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        int axis = EmitContext.axis(cx.constInts(n.input(1), "CumSum's axis")[0], cx.rank(x));
        boolean reverse = n.intAttr("reverse", 0) != 0;
        String in = cx.use(x);
        if (reverse) {
            in = cx.temp(y, "flip", cx.dims(x), cx.dtype(x), "R.flip(" + in + ", axis=" + axis + ")");
        }
        String sum = "R.cumsum(" + in + ", axis=" + axis + ", exclusive="
                + (n.intAttr("exclusive", 0) != 0 ? "True" : "False") + ")";
        if (reverse) {
            String s = cx.temp(y, "sum", cx.dims(y), cx.dtype(y), sum);
            cx.bind(y, "R.flip(" + s + ", axis=" + axis + ")");
        } else {
            cx.bind(y, sum);
        }
    }
}
