package dev.yard.passes.eval;

import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Node;
import java.util.List;
import java.util.Set;

/**
 * Evaluates one node of the shape-computation op set on constant inputs, exactly: integer
 * results are bitwise what ONNX Runtime computes (two's-complement wrapping), real results
 * round every operation to the element type as IEEE arithmetic does. What it cannot compute
 * exactly (a float Range, a Cast of NaN to an integer, division by zero) it refuses with
 * {@link NotFoldable}, and so do results above a size cap, checked before allocating.
 *
 * <p>This class reads each node's inputs and attributes and evaluates ConstantOfShape and
 * Range; element-by-element ops are in {@link ElementwiseOps}, data movement in
 * {@link LayoutOps}.
 */
public final class Evaluator {
    /** The op types it evaluates. */
    public static final Set<String> OPS = Set.of(
            "Identity",
            "Gather",
            "Concat",
            "Unsqueeze",
            "Squeeze",
            "Slice",
            "Cast",
            "Reshape",
            "Add",
            "Sub",
            "Mul",
            "Div",
            "Equal",
            "Where",
            "ConstantOfShape",
            "Range",
            "Transpose",
            "Expand");

    /** Why a node was not evaluated. */
    public static final class NotFoldable extends Exception {
        public NotFoldable(String reason) {
            super(reason, null, false, false);
        }
    }

    private final ResultCap cap;
    private final ElementwiseOps elementwise;
    private final LayoutOps layout;

    public Evaluator(long maxElements) {
        this.cap = new ResultCap(maxElements);
        this.elementwise = new ElementwiseOps(cap);
        this.layout = new LayoutOps(cap);
    }

    /** The value of {@code n}'s one output given its inputs ({@code in.get(i)} null for an omitted input). */
    public Arr eval(Node n, List<Arr> in) throws NotFoldable {
        Arr x = in.isEmpty() ? null : in.get(0);
        return switch (n.opType()) {
            case "Identity" -> x;
            case "Add", "Sub", "Mul", "Div" -> elementwise.arithmetic(n.opType(), x, in.get(1));
            case "Equal" -> elementwise.equal(x, in.get(1));
            case "Where" -> elementwise.where(x, in.get(1), in.get(2));
            case "Gather" -> layout.gather(x, in.get(1), (int) n.intAttr("axis", 0));
            case "Concat" -> layout.concat(in, (int) n.intAttr("axis", 0));
            case "Unsqueeze" -> layout.unsqueeze(x, axesOf(n, in));
            case "Squeeze" -> layout.squeeze(x, axesOf(n, in));
            case "Slice" -> layout.slice(n, in);
            case "Cast" -> elementwise.cast(x, ElementType.fromCode((int) n.intAttr("to", 0)));
            case "Reshape" -> layout.reshape(x, in.get(1).longs(), n.intAttr("allowzero", 0) != 0);
            case "Transpose" -> layout.transpose(x, n.intsAttr("perm"));
            case "Expand" ->
                layout.broadcastTo(x, Broadcast.dims(x.dims(), in.get(1).longs()));
            case "ConstantOfShape" -> constantOfShape(n, x.longs());
            case "Range" -> range(x, in.get(1), in.get(2));
            default -> throw new NotFoldable("no evaluator for " + n.opType());
        };
    }

    private static long[] axesOf(Node n, List<Arr> in) {
        if (in.size() > 1 && in.get(1) != null) {
            return in.get(1).longs();
        }
        return n.intsAttr("axes");
    }

    private Arr constantOfShape(Node n, long[] shape) throws NotFoldable {
        Attribute a = n.attribute("value");
        Arr v = a == null ? Arr.ofReals(ElementType.FLOAT, new long[] {1}, new double[] {0}) : Arr.of(a.asTensor());
        if (v == null || v.size() != 1) {
            throw new NotFoldable("ConstantOfShape value is not a one-element tensor the evaluator reads");
        }
        return v.take(v.type(), shape, cap.indices(shape));
    }

    private Arr range(Arr start, Arr limit, Arr delta) throws NotFoldable {
        if (start.ints() == null) {
            // Runtimes accumulate start + delta + delta ... in the element type; not reproduced here.
            throw new NotFoldable("Range of " + start.type().textName() + " is only folded for integers");
        }
        long s = start.ints()[0];
        long l = limit.ints()[0];
        long d = delta.ints()[0];
        if (d == 0) {
            throw new NotFoldable("Range with delta 0");
        }
        long count = Math.max(0, Math.floorDiv(l - s + (d > 0 ? d - 1 : d + 1), d));
        long[] dims = {count};
        long[] r = new long[cap.indices(dims).length];
        for (int i = 0; i < r.length; i++) {
            r[i] = s + i * d;
        }
        return Arr.ofInts(start.type(), dims, r);
    }
}
