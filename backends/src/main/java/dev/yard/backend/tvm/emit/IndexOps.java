package dev.yard.backend.tvm.emit;

import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * Ops that read or write by index: Gather to {@code R.take}, GatherElements and GatherND to
 * their Relax namesakes (negative indices counted from the end, as ONNX has them), Trilu to
 * {@code R.triu} or {@code R.tril}, EyeLike to {@code R.eye_like}. (Not TopK: TVM lowers {@code R.topk} on CPUs to a call
 * into {@code tvm.contrib.sort}, which the runtime library Yard loads does not have.)
 */
final class IndexOps {
    private IndexOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("Gather", IndexOps::gather);
        rules.put("GatherElements", IndexOps::gatherElements);
        rules.put("GatherND", IndexOps::gatherNd);
        rules.put("Trilu", IndexOps::trilu);
        rules.put(
                "EyeLike",
                (n, cx) -> cx.bind(
                        n.output(0),
                        "R.eye_like(" + cx.use(n.input(0)) + ", k=" + n.intAttr("k", 0) + ", dtype=\""
                                + cx.dtype(n.output(0)).tvmName() + "\")"));
    }

    /**
     * Gather along the axis: {@code R.take}; indices that may be negative (computed at run
     * time, or constant with a negative one) are taken in wrap mode, which reads -1 as the last.
     */
    private static void gather(Node n, EmitContext cx) {
        Value indices = n.input(1);
        boolean nonNegative = knownNonNegative(indices);
        int axis = EmitContext.axis(n.intAttr("axis", 0), cx.rank(n.input(0)));
        cx.bind(
                n.output(0),
                "R.take(" + cx.use(n.input(0)) + ", " + cx.use(indices) + ", axis=" + axis
                        + (nonNegative ? "" : ", mode=\"wrap\"") + ")");
    }

    /** Whether {@code indices} is constant with no negative entry. */
    private static boolean knownNonNegative(Value indices) {
        Tensor t = EmitContext.constant(indices);
        if (t == null) {
            return false;
        }
        for (long i = 0; i < t.elementCount(); i++) {
            if (t.getLong(i) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Indices with negative entries moved up by {@code size} (the extent they index), unless all are known non-negative. */
    private static String nonNegative(Node n, EmitContext cx, Value indices, long size) {
        String idx = cx.use(indices);
        if (knownNonNegative(indices)) {
            return idx;
        }
        String zero = cx.scalar(0f, indices);
        String shifted = "R.add(" + idx + ", " + cx.scalar(size, indices) + ")";
        return cx.temp(
                n.output(0),
                "indices",
                cx.dims(indices),
                cx.dtype(indices),
                "R.where(R.less(" + idx + ", " + zero + "), " + shifted + ", " + idx + ")");
    }

    private static void gatherElements(Node n, EmitContext cx) {
        long[] d = cx.dims(n.input(0));
        int axis = EmitContext.axis(n.intAttr("axis", 0), d.length);
        String idx = nonNegative(n, cx, n.input(1), d[axis]);
        cx.bind(n.output(0), "R.gather_elements(" + cx.use(n.input(0)) + ", " + idx + ", axis=" + axis + ")");
    }

    private static void gatherNd(Node n, EmitContext cx) {
        long batch = n.intAttr("batch_dims", 0);
        long[] id = cx.dims(n.input(1));
        long[] d = cx.dims(n.input(0));
        // Negative indices would need the extent of each indexed axis; known ones only.
        Tensor t = EmitContext.constant(n.input(1));
        if (t != null) {
            for (long i = 0; i < t.elementCount(); i++) {
                if (t.getLong(i) < 0) {
                    throw cx.unsupported("GatherND with negative indices is not supported");
                }
            }
        }
        if (id.length == 0 || id[id.length - 1] > d.length - batch) {
            throw cx.unsupported("GatherND's index tuples are longer than the data's rank");
        }
        cx.bind(
                n.output(0),
                "R.gather_nd(" + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ", batch_dims=" + batch + ")");
    }

    /** Trilu: the upper (default) or lower triangle of the last two axes, shifted by the constant k. */
    private static void trilu(Node n, EmitContext cx) {
        long k = 0;
        if (n.inputs().size() > 1 && n.input(1) != null) {
            k = cx.constInts(n.input(1), "Trilu's k")[0];
        }
        String op = n.intAttr("upper", 1) != 0 ? "R.triu(" : "R.tril(";
        cx.bind(n.output(0), op + cx.use(n.input(0)) + ", k=" + k + ")");
    }
}
