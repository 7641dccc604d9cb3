package dev.yard.ir.infer;

import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Shape;
import dev.yard.ir.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reductions over axes (Reduce*), ArgMax/ArgMin and TopK. */
final class ReduceRules implements RuleFamily {
    private static final List<String> REDUCE = List.of(
            "ReduceMean",
            "ReduceSum",
            "ReduceMax",
            "ReduceMin",
            "ReduceProd",
            "ReduceL1",
            "ReduceL2",
            "ReduceLogSum",
            "ReduceLogSumExp",
            "ReduceSumSquare");

    @Override
    public void register(Map<String, ShapeRule> rules) {
        for (String op : REDUCE) {
            rules.put(op, ReduceRules::reduce);
        }
        rules.put("ArgMax", ReduceRules::argReduce);
        rules.put("ArgMin", ReduceRules::argReduce);
        rules.put("TopK", ReduceRules::topK);
    }

    /** Axes moved from an attribute to an input in opset 13 for ReduceSum, 18 for the rest. */
    private static boolean axesAsInput(NodeContext c) {
        return c.opset() >= (c.node().opType().equals("ReduceSum") ? 13 : 18);
    }

    private static List<ValueType> reduce(NodeContext c) {
        Shape in = c.shape(0);
        boolean keep = c.intAttr("keepdims", 1) == 1;
        long[] axes;
        if (axesAsInput(c)) {
            axes = c.has(1) ? c.constInts(1) : new long[0];
            if (axes == null) {
                // Axes unknown: keepdims still fixes the rank.
                return NodeContext.one(c.elem(0), keep && in != null ? Dims.unknownDims(in.rank()) : null);
            }
        } else {
            axes = c.ints("axes");
            if (axes == null) {
                axes = new long[0];
            }
        }
        if (in == null) {
            return NodeContext.one(c.elem(0), null);
        }
        if (axes.length == 0) {
            if (axesAsInput(c) && c.intAttr("noop_with_empty_axes", 0) == 1) {
                return NodeContext.one(c.elem(0), in);
            }
            axes = new long[in.rank()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        boolean[] reduced = new boolean[in.rank()];
        for (long a : axes) {
            reduced[c.axis(a, in.rank())] = true;
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            if (!reduced[i]) {
                out.add(in.dim(i));
            } else if (keep) {
                out.add(Dim.of(1));
            }
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    private static List<ValueType> argReduce(NodeContext c) {
        Shape in = c.shape(0);
        if (in == null) {
            return NodeContext.one(ElementType.INT64, null);
        }
        int axis = c.axis(c.intAttr("axis", 0), in.rank());
        List<Dim> out = new ArrayList<>(in.dims());
        if (c.intAttr("keepdims", 1) == 1) {
            out.set(axis, Dim.of(1));
        } else {
            out.remove(axis);
        }
        return NodeContext.one(ElementType.INT64, new Shape(out));
    }

    private static List<ValueType> topK(NodeContext c) {
        Shape in = c.shape(0);
        if (in == null) {
            return List.of(NodeContext.tensor(c.elem(0), null), NodeContext.tensor(ElementType.INT64, null));
        }
        int axis = c.axis(c.intAttr("axis", -1), in.rank());
        Dim k = Dim.UNKNOWN;
        if (c.opset() < 10) {
            k = c.hasAttr("k") ? Dim.of(c.intAttr("k", 0)) : Dim.UNKNOWN;
        } else {
            long[] kv = c.constInts(1);
            if (kv != null && kv.length == 1) {
                k = Dim.of(kv[0]);
            }
        }
        if (k.isKnown()
                && in.dim(axis).isKnown()
                && k.sizeOrNegative() > in.dim(axis).sizeOrNegative()) {
            throw c.error("k = " + k + " exceeds the axis size " + in.dim(axis));
        }
        List<Dim> out = new ArrayList<>(in.dims());
        out.set(axis, k);
        Shape s = new Shape(out);
        return List.of(NodeContext.tensor(c.elem(0), s), NodeContext.tensor(ElementType.INT64, s));
    }
}
