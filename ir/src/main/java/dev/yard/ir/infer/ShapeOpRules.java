package dev.yard.ir.infer;

import dev.yard.ir.Attribute;
import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Operators that only rearrange or describe shapes: Reshape, Flatten, Transpose,
 * Squeeze/Unsqueeze, Expand, Tile, Shape, Size, DepthToSpace/SpaceToDepth, Constant and
 * ConstantOfShape.
 */
final class ShapeOpRules implements RuleFamily {

    @Override
    public void register(Map<String, ShapeRule> rules) {
        rules.put("Reshape", ShapeOpRules::reshape);
        rules.put("Flatten", ShapeOpRules::flatten);
        rules.put("Transpose", ShapeOpRules::transpose);
        rules.put("Squeeze", ShapeOpRules::squeeze);
        rules.put("Unsqueeze", ShapeOpRules::unsqueeze);
        rules.put("Expand", ShapeOpRules::expand);
        rules.put("Tile", ShapeOpRules::tile);
        rules.put("Shape", ShapeOpRules::shape);
        rules.put("Size", c -> NodeContext.one(ElementType.INT64, Dims.SCALAR));
        rules.put("DepthToSpace", c -> blocks(c, false));
        rules.put("SpaceToDepth", c -> blocks(c, true));
        rules.put("Constant", ShapeOpRules::constant);
        rules.put("ConstantOfShape", ShapeOpRules::constantOfShape);
    }

    private static List<ValueType> reshape(NodeContext c) {
        Shape in = c.shape(0);
        long[] target = c.opset() < 5 ? c.ints("shape") : c.constInts(1);
        if (target == null) {
            int len = c.staticLength(1);
            return NodeContext.one(c.elem(0), len < 0 ? null : Dims.unknownDims(len));
        }
        boolean allowZero = c.intAttr("allowzero", 0) == 1;
        List<Dim> out = new ArrayList<>();
        // The input dims not accounted for by a copied (0) entry; -1 takes what they leave over.
        List<Dim> rest = in == null ? null : new ArrayList<>(in.dims());
        int inferred = -1;
        long knownOut = 1;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (t == 0 && !allowZero) {
                if (in == null || i >= in.rank()) {
                    if (in != null) {
                        throw c.error("shape entry " + i + " copies a dimension X " + in + " does not have");
                    }
                    out.add(Dim.UNKNOWN);
                    rest = null;
                    continue;
                }
                Dim d = in.dim(i);
                out.add(d);
                if (rest != null) {
                    rest.set(i, null);
                }
                if (d instanceof Dim.Known k) {
                    knownOut *= k.size();
                }
                continue;
            }
            if (t == -1) {
                if (inferred >= 0) {
                    throw c.error("shape " + Arrays.toString(target) + " has more than one -1");
                }
                inferred = i;
                out.add(Dim.UNKNOWN);
                continue;
            }
            if (t < -1) {
                throw c.error("shape " + Arrays.toString(target) + " has a negative entry");
            }
            out.add(Dim.of(t));
        }
        if (inferred >= 0 && rest != null) {
            List<Dim> left = new ArrayList<>();
            for (Dim d : rest) {
                if (d != null) {
                    left.add(d);
                }
            }
            long explicit = 1;
            for (int i = 0; i < target.length; i++) {
                if (i != inferred && (target[i] > 0 || target[i] == 0 && allowZero)) {
                    explicit *= target[i];
                }
            }
            Dim leftover = Dims.product(left);
            if (leftover instanceof Dim.Known k && explicit != 0) {
                if (k.size() % explicit != 0) {
                    throw c.error("cannot reshape " + in + " to " + Arrays.toString(target));
                }
                out.set(inferred, Dim.of(k.size() / explicit));
            } else if (explicit == 1) {
                out.set(inferred, leftover);
            }
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    private static List<ValueType> flatten(NodeContext c) {
        Shape in = c.shape(0);
        if (in == null) {
            return NodeContext.one(c.elem(0), null);
        }
        long axis = c.intAttr("axis", 1);
        int a = axis == in.rank() ? in.rank() : c.axis(axis, in.rank());
        return NodeContext.one(
                c.elem(0),
                Shape.of(
                        Dims.product(in.dims().subList(0, a)),
                        Dims.product(in.dims().subList(a, in.rank()))));
    }

    private static List<ValueType> transpose(NodeContext c) {
        Shape in = c.shape(0);
        if (in == null) {
            return NodeContext.one(c.elem(0), null);
        }
        long[] perm = c.ints("perm");
        int r = in.rank();
        if (perm == null || perm.length == 0) {
            perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        if (perm.length != r) {
            throw c.error("perm " + Arrays.toString(perm) + " does not match rank " + r);
        }
        List<Dim> out = new ArrayList<>();
        boolean[] seen = new boolean[r];
        for (long p : perm) {
            int a = c.axis(p, r);
            if (seen[a]) {
                throw c.error("perm " + Arrays.toString(perm) + " repeats axis " + a);
            }
            seen[a] = true;
            out.add(in.dim(a));
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    /** Squeeze and Unsqueeze took axes as an attribute before opset 13, as an input since. */
    private static long[] axesArgument(NodeContext c) {
        return c.opset() < 13 ? c.ints("axes") : c.has(1) ? c.constInts(1) : null;
    }

    private static boolean axesGiven(NodeContext c) {
        return c.opset() < 13 ? c.hasAttr("axes") : c.has(1);
    }

    private static List<ValueType> squeeze(NodeContext c) {
        Shape in = c.shape(0);
        long[] axes = axesArgument(c);
        if (in == null || axes == null && axesGiven(c)) {
            int len = axesGiven(c) && c.opset() >= 13 ? c.staticLength(1) : -1;
            return NodeContext.one(c.elem(0), in != null && len >= 0 ? Dims.unknownDims(in.rank() - len) : null);
        }
        boolean[] drop = new boolean[in.rank()];
        if (axes == null) {
            // Without axes every size-1 axis goes; a dim that is not known might be 1 or not.
            for (int i = 0; i < in.rank(); i++) {
                if (!in.dim(i).isKnown()) {
                    return NodeContext.one(c.elem(0), null);
                }
                drop[i] = in.dim(i).sizeOrNegative() == 1;
            }
        } else {
            for (long a : axes) {
                int ax = c.axis(a, in.rank());
                Dim d = in.dim(ax);
                if (d.isKnown() && d.sizeOrNegative() != 1) {
                    throw c.error("cannot squeeze axis " + a + " of size " + d);
                }
                drop[ax] = true;
            }
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            if (!drop[i]) {
                out.add(in.dim(i));
            }
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    private static List<ValueType> unsqueeze(NodeContext c) {
        Shape in = c.shape(0);
        long[] axes = axesArgument(c);
        if (in == null || axes == null) {
            int len = c.opset() >= 13 ? c.staticLength(1) : -1;
            return NodeContext.one(c.elem(0), in != null && len >= 0 ? Dims.unknownDims(in.rank() + len) : null);
        }
        int r = in.rank() + axes.length;
        Dim[] out = new Dim[r];
        for (long a : axes) {
            int ax = c.axis(a, r);
            if (out[ax] != null) {
                throw c.error("axes " + Arrays.toString(axes) + " repeat axis " + ax);
            }
            out[ax] = Dim.of(1);
        }
        int j = 0;
        for (int i = 0; i < r; i++) {
            if (out[i] == null) {
                out[i] = in.dim(j++);
            }
        }
        return NodeContext.one(c.elem(0), Shape.of(out));
    }

    private static List<ValueType> expand(NodeContext c) {
        Shape in = c.shape(0);
        long[] target = c.constInts(1);
        if (target == null) {
            int len = c.staticLength(1);
            return NodeContext.one(
                    c.elem(0), in == null || len < 0 ? null : Dims.unknownDims(Math.max(in.rank(), len)));
        }
        return NodeContext.one(c.elem(0), Dims.broadcast(Arrays.asList(in, Shape.of(target))));
    }

    private static List<ValueType> tile(NodeContext c) {
        Shape in = c.shape(0);
        long[] repeats = c.constInts(1);
        if (in == null || repeats == null) {
            return NodeContext.one(c.elem(0), in == null ? null : Dims.unknownDims(in.rank()));
        }
        if (repeats.length != in.rank()) {
            throw c.error("repeats has " + repeats.length + " entries for rank " + in.rank());
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < repeats.length; i++) {
            out.add(Dims.mul(in.dim(i), repeats[i]));
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    private static List<ValueType> shape(NodeContext c) {
        Shape in = c.shape(0);
        if (in == null) {
            return NodeContext.one(ElementType.INT64, Shape.of(Dim.UNKNOWN));
        }
        int r = in.rank();
        long start = clampAxis(c.intAttr("start", 0), r);
        long end = c.hasAttr("end") ? clampAxis(c.intAttr("end", r), r) : r;
        return NodeContext.one(ElementType.INT64, Shape.of(Math.max(0, end - start)));
    }

    private static long clampAxis(long a, int r) {
        long v = a < 0 ? a + r : a;
        return Math.max(0, Math.min(r, v));
    }

    private static List<ValueType> blocks(NodeContext c, boolean toDepth) {
        Shape in = c.shape(0);
        long b = c.intAttr("blocksize", 0);
        if (in == null || b <= 0) {
            return NodeContext.one(c.elem(0), in == null ? null : Dims.unknownDims(in.rank()));
        }
        if (in.rank() != 4) {
            throw c.error("expects a 4-D input, got " + in);
        }
        Dim ch = toDepth ? Dims.mul(in.dim(1), b * b) : Dims.div(in.dim(1), b * b);
        Dim h = toDepth ? Dims.div(in.dim(2), b) : Dims.mul(in.dim(2), b);
        Dim w = toDepth ? Dims.div(in.dim(3), b) : Dims.mul(in.dim(3), b);
        return NodeContext.one(c.elem(0), Shape.of(in.dim(0), ch, h, w));
    }

    private static List<ValueType> constant(NodeContext c) {
        Tensor t = ConstantValues.constantNodeValue(c.node());
        if (t != null) {
            return NodeContext.one(t.elementType(), t.shape());
        }
        for (Attribute a : c.node().attributes().values()) {
            if (a.isReference()) {
                return NodeContext.one(null, null);
            }
            switch (a.name()) {
                case "value_string":
                    return NodeContext.one(ElementType.STRING, Dims.SCALAR);
                case "value_strings":
                    return NodeContext.one(ElementType.STRING, Shape.of(((List<?>) a.value()).size()));
                default:
                    break;
            }
        }
        return NodeContext.one(null, null);
    }

    private static List<ValueType> constantOfShape(NodeContext c) {
        Attribute v = c.node().attribute("value");
        ElementType e = v == null
                ? ElementType.FLOAT
                : v.isReference() ? null : v.asTensor().elementType();
        long[] dims = c.constInts(0);
        if (dims == null) {
            int len = c.staticLength(0);
            return NodeContext.one(e, len < 0 ? null : Dims.unknownDims(len));
        }
        return NodeContext.one(e, Shape.of(dims));
    }
}
