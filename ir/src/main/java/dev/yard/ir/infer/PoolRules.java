package dev.yard.ir.infer;

import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Shape;
import dev.yard.ir.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Windowed pools (MaxPool, AveragePool, LpPool) and the global pools. */
final class PoolRules implements RuleFamily {

    @Override
    public void register(Map<String, ShapeRule> rules) {
        for (String op : List.of("MaxPool", "AveragePool", "LpPool")) {
            rules.put(op, PoolRules::pool);
        }
        for (String op : List.of("GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool")) {
            rules.put(op, PoolRules::global);
        }
    }

    private static List<ValueType> pool(NodeContext c) {
        Shape x = c.shape(0);
        long[] k = c.ints("kernel_shape");
        if (x == null || k == null) {
            return List.of(
                    NodeContext.tensor(c.elem(0), x == null ? null : Dims.unknownDims(x.rank())),
                    NodeContext.tensor(ElementType.INT64, x == null ? null : Dims.unknownDims(x.rank())));
        }
        int n = x.rank() - 2;
        if (n < 1 || k.length != n) {
            throw c.error("kernel_shape has " + k.length + " entries but X " + x + " has " + Math.max(n, 0)
                    + " spatial axes");
        }
        boolean ceil = c.intAttr("ceil_mode", 0) == 1;
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(x.dim(1));
        out.addAll(Window.of(c, n).output(Window.spatial(x), k, ceil));
        Shape s = new Shape(out);
        // MaxPool's optional second output holds flat indices of the maxima.
        return List.of(NodeContext.tensor(c.elem(0), s), NodeContext.tensor(ElementType.INT64, s));
    }

    private static List<ValueType> global(NodeContext c) {
        Shape x = c.shape(0);
        if (x == null) {
            return NodeContext.one(c.elem(0), null);
        }
        if (x.rank() < 2) {
            throw c.error("X " + x + " has rank below 2");
        }
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(x.dim(1));
        for (int i = 2; i < x.rank(); i++) {
            out.add(Dim.of(1));
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }
}
