package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * Ops that read or write by index: Gather to {@code R.take}, GatherElements and GatherND to
 * their Relax namesakes (negative indices counted from the end, as ONNX has them), Trilu to
 * {@code R.triu} or {@code R.tril}, EyeLike to {@code R.eye_like}, OneHot to {@code R.one_hot}
 * (constant depth and values), ScatterND with its
 * reductions, ReverseSequence. Not TopK: TVM lowers {@code R.topk} on CPUs to a call into
 * {@code tvm.contrib.sort}, which the runtime library Yard loads lacks. Not ScatterElements:
 * TVM 0.27's build of {@code R.scatter_elements} fails in the schedule of its fused function.
 */
final class IndexOps {
    private IndexOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("Gather", IndexOps::gather);
        rules.put("GatherElements", IndexOps::gatherElements);
        rules.put("GatherND", IndexOps::gatherNd);
        rules.put("OneHot", IndexOps::oneHot);
        rules.put("Trilu", IndexOps::trilu);
        rules.put(
                "ScatterND",
                (n, cx) -> cx.bind(
                        n.output(0),
                        "R.scatter_nd(" + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ", " + cx.use(n.input(2))
                                + ", reduction=\"" + reduction(n, cx) + "\")"));
        rules.put(
                "ReverseSequence",
                (n, cx) -> cx.bind(
                        n.output(0),
                        "R.reverse_sequence(" + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ", seq_axis="
                                + n.intAttr("time_axis", 0) + ", batch_axis=" + n.intAttr("batch_axis", 1) + ")"));
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

    /** ONNX's scatter reduction as Relax names it ({@code none} is Relax's {@code update}). */
    private static String reduction(Node n, EmitContext cx) {
        String r = n.stringAttr("reduction", "none");
        return switch (r) {
            case "none" -> "update";
            case "add", "mul", "max", "min" -> r;
            default -> throw cx.unsupported(n.opType() + " reduction '" + r + "' is not supported");
        };
    }

    /** OneHot with constant depth and [off, on] values; indices cast to int64, negative ones counted from the end. */
    private static void oneHot(Node n, EmitContext cx) {
        Value y = n.output(0);
        long depth = cx.constInts(n.input(1), "OneHot's depth")[0];
        Tensor values = EmitContext.constant(n.input(2));
        if (values == null) {
            throw cx.unsupported("OneHot's values are computed at run time");
        }
        long[] id = cx.dims(n.input(0));
        String idx = cx.use(n.input(0));
        if (cx.dtype(n.input(0)) != DType.INT64) {
            idx = cx.temp(y, "indices", id, DType.INT64, "R.astype(" + idx + ", dtype=\"int64\")");
        }
        idx = cx.temp(
                y,
                "wrapped",
                id,
                DType.INT64,
                "R.where(R.less(" + idx + ", R.const(0, \"int64\")), R.add(" + idx + ", R.const(" + depth
                        + ", \"int64\")), " + idx + ")");
        boolean real = cx.dtype(y).elementType().isFloatingPoint();
        // Integer values are made int64 (TVMScript prints an int32 prim value back as int64),
        // then cast.
        DType t = real ? cx.dtype(y) : DType.INT64;
        String off = real ? Double.toString(values.getDouble(0)) : Long.toString(values.getLong(0));
        String on = real ? Double.toString(values.getDouble(1)) : Long.toString(values.getLong(1));
        int axis = EmitContext.axis(n.intAttr("axis", -1), id.length + 1);
        String oneHot = "R.one_hot(" + idx + ", R.prim_value(T." + t.tvmName() + "(" + on + ")), R.prim_value(T."
                + t.tvmName() + "(" + off + ")), depth=" + depth + ", axis=" + axis + ")";
        if (t == cx.dtype(y)) {
            cx.bind(y, oneHot);
        } else {
            String h = cx.temp(y, "int64", cx.dims(y), t, oneHot);
            cx.bind(y, "R.astype(" + h + ", dtype=\"" + cx.dtype(y).tvmName() + "\")");
        }
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
