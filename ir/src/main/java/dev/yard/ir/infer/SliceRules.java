package dev.yard.ir.infer;

import dev.yard.ir.Dim;
import dev.yard.ir.Shape;
import dev.yard.ir.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Operators that cut or join tensors along axes: Concat, Split, Slice, Gather, Pad. */
final class SliceRules implements RuleFamily {

    @Override
    public void register(Map<String, ShapeRule> rules) {
        rules.put("Concat", SliceRules::concat);
        rules.put("Split", SliceRules::split);
        rules.put("Slice", SliceRules::slice);
        rules.put("Gather", SliceRules::gather);
        rules.put("GatherElements", c -> NodeContext.one(c.elem(0), c.shape(1)));
        rules.put("Pad", SliceRules::pad);
    }

    private static List<ValueType> concat(NodeContext c) {
        Shape first = null;
        for (int i = 0; i < c.inputCount(); i++) {
            if (c.shape(i) != null) {
                first = c.shape(i);
                break;
            }
        }
        if (first == null || !c.hasAttr("axis")) {
            return NodeContext.one(c.elem(0), null);
        }
        int r = first.rank();
        int axis = c.axis(c.intAttr("axis", 0), r);
        List<Dim> out = new ArrayList<>(first.dims());
        List<Dim> along = new ArrayList<>();
        for (int i = 0; i < c.inputCount(); i++) {
            Shape s = c.shape(i);
            if (s == null) {
                along.add(Dim.UNKNOWN);
                continue;
            }
            if (s.rank() != r) {
                throw c.error("input " + i + " has rank " + s.rank() + ", input 0 has rank " + r);
            }
            for (int d = 0; d < r; d++) {
                if (d != axis) {
                    out.set(d, Dims.unify(out.get(d), s.dim(d), "inputs differ on axis " + d));
                }
            }
            along.add(s.dim(axis));
        }
        out.set(axis, Dims.sum(along));
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    private static List<ValueType> split(NodeContext c) {
        Shape in = c.shape(0);
        int outs = c.node().outputs().size();
        List<ValueType> result = new ArrayList<>();
        if (in == null) {
            for (int i = 0; i < outs; i++) {
                result.add(NodeContext.tensor(c.elem(0), null));
            }
            return result;
        }
        int axis = c.axis(c.intAttr("axis", 0), in.rank());
        long[] sizes = c.opset() < 13 ? c.ints("split") : c.has(1) ? c.constInts(1) : null;
        boolean sizesGiven = c.opset() < 13 ? c.hasAttr("split") : c.has(1);
        Dim whole = in.dim(axis);
        for (int i = 0; i < outs; i++) {
            Dim d;
            if (sizes != null) {
                if (sizes.length != outs) {
                    throw c.error("split has " + sizes.length + " sizes for " + outs + " outputs");
                }
                d = Dim.of(sizes[i]);
            } else if (sizesGiven || !(whole instanceof Dim.Known k)) {
                d = Dim.UNKNOWN;
            } else if (k.size() % outs == 0) {
                d = Dim.of(k.size() / outs);
            } else if (c.opset() >= 18) {
                // Uneven num_outputs split: all parts get ceil(n / k), the last what is left.
                long part = (k.size() + outs - 1) / outs;
                d = Dim.of(i < outs - 1 ? part : k.size() - part * (outs - 1));
            } else {
                throw c.error("axis of size " + k.size() + " does not split evenly into " + outs);
            }
            List<Dim> dims = new ArrayList<>(in.dims());
            dims.set(axis, d);
            result.add(NodeContext.tensor(c.elem(0), new Shape(dims)));
        }
        if (sizes != null && whole instanceof Dim.Known k) {
            long total = 0;
            for (long s : sizes) {
                total += s;
            }
            if (total != k.size()) {
                throw c.error("split sizes add up to " + total + " but the axis has " + k.size());
            }
        }
        return result;
    }

    private static List<ValueType> slice(NodeContext c) {
        Shape in = c.shape(0);
        if (in == null) {
            return NodeContext.one(c.elem(0), null);
        }
        int r = in.rank();
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (c.opset() < 10) {
            starts = c.ints("starts");
            ends = c.ints("ends");
            axes = c.ints("axes");
        } else {
            starts = c.constInts(1);
            ends = c.constInts(2);
            axes = c.has(3) ? c.constInts(3) : null;
            steps = c.has(4) ? c.constInts(4) : null;
            if (c.has(3) && axes == null || c.has(4) && steps == null) {
                starts = null;
            }
        }
        if (starts == null || ends == null) {
            // Unknown bounds: which axes change is unknown too, only the rank survives.
            return NodeContext.one(c.elem(0), Dims.unknownDims(r));
        }
        if (starts.length != ends.length
                || axes != null && axes.length != starts.length
                || steps != null && steps.length != starts.length) {
            throw c.error("starts, ends, axes and steps differ in length");
        }
        List<Dim> out = new ArrayList<>(in.dims());
        for (int i = 0; i < starts.length; i++) {
            int ax = c.axis(axes == null ? i : axes[i], r);
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw c.error("slice step is 0");
            }
            out.set(ax, sliceDim(in.dim(ax), starts[i], ends[i], step));
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    /** The length of a slice of one axis, clamped as ONNX clamps starts and ends. */
    static Dim sliceDim(Dim d, long start, long end, long step) {
        if (!(d instanceof Dim.Known k)) {
            // Taking a whole axis of unknown size keeps it, whatever its size.
            boolean whole = step == 1 && start == 0 && end >= Integer.MAX_VALUE;
            return whole ? d : Dim.UNKNOWN;
        }
        long n = k.size();
        long s = start < 0 ? start + n : start;
        long e = end < 0 ? end + n : end;
        if (step > 0) {
            s = Math.max(0, Math.min(n, s));
            e = Math.max(0, Math.min(n, e));
            return Dim.of(e > s ? (e - s + step - 1) / step : 0);
        }
        s = Math.max(-1, Math.min(n - 1, s));
        e = Math.max(-1, Math.min(n - 1, e));
        long st = -step;
        return Dim.of(s > e ? (s - e + st - 1) / st : 0);
    }

    private static List<ValueType> gather(NodeContext c) {
        Shape data = c.shape(0);
        Shape idx = c.shape(1);
        if (data == null || idx == null) {
            return NodeContext.one(c.elem(0), null);
        }
        int axis = c.axis(c.intAttr("axis", 0), data.rank());
        List<Dim> out = new ArrayList<>(data.dims().subList(0, axis));
        out.addAll(idx.dims());
        out.addAll(data.dims().subList(axis + 1, data.rank()));
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    private static List<ValueType> pad(NodeContext c) {
        Shape in = c.shape(0);
        if (in == null) {
            return NodeContext.one(c.elem(0), null);
        }
        int r = in.rank();
        long[] pads = c.opset() < 11 ? c.ints(c.opset() < 2 ? "paddings" : "pads") : c.constInts(1);
        long[] axes = null;
        if (c.opset() >= 18 && c.has(3)) {
            axes = c.constInts(3);
            if (axes == null) {
                pads = null;
            }
        }
        if (pads == null) {
            return NodeContext.one(c.elem(0), Dims.unknownDims(r));
        }
        int n = axes == null ? r : axes.length;
        if (pads.length != 2 * n) {
            throw c.error("pads has " + pads.length + " entries for " + n + " axes");
        }
        List<Dim> out = new ArrayList<>(in.dims());
        for (int i = 0; i < n; i++) {
            int ax = axes == null ? i : c.axis(axes[i], r);
            out.set(ax, Dims.add(out.get(ax), pads[i] + pads[i + n]));
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }
}
