package dev.yard.passes.eval;

import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Evaluates one node of the shape-computation op set on constant inputs, exactly: integer
 * results are bitwise what ONNX Runtime computes (two's-complement wrapping), real results
 * round every operation to the element type as IEEE arithmetic does. What it cannot compute
 * exactly (a float Range, a Cast of NaN to an integer, division by zero) it refuses with
 * {@link NotFoldable}, and so do results above a size cap, checked before allocating.
 */
public final class Evaluator {
    /** The op types it evaluates. */
    public static final Set<String> OPS = Set.of("Identity", "Gather", "Concat", "Unsqueeze", "Squeeze", "Slice",
            "Cast", "Reshape", "Add", "Sub", "Mul", "Div", "Equal", "Where", "ConstantOfShape", "Range", "Transpose",
            "Expand");

    /** Why a node was not evaluated. */
    public static final class NotFoldable extends Exception {
        public NotFoldable(String reason) {
            super(reason, null, false, false);
        }
    }

    private final long maxElements;

    public Evaluator(long maxElements) {
        this.maxElements = maxElements;
    }

    /** The value of {@code n}'s one output given its inputs ({@code in.get(i)} null for an omitted input). */
    public Arr eval(Node n, List<Arr> in) throws NotFoldable {
        Arr x = in.isEmpty() ? null : in.get(0);
        return switch (n.opType()) {
            case "Identity" -> x;
            case "Add", "Sub", "Mul", "Div" -> arithmetic(n.opType(), x, in.get(1));
            case "Equal" -> equal(x, in.get(1));
            case "Where" -> where(x, in.get(1), in.get(2));
            case "Gather" -> gather(x, in.get(1), (int) n.intAttr("axis", 0));
            case "Concat" -> concat(in, (int) n.intAttr("axis", 0));
            case "Unsqueeze" -> unsqueeze(x, axesOf(n, in));
            case "Squeeze" -> squeeze(x, axesOf(n, in));
            case "Slice" -> slice(n, in);
            case "Cast" -> cast(x, ElementType.fromCode((int) n.intAttr("to", 0)));
            case "Reshape" -> reshape(x, in.get(1).longs(), n.intAttr("allowzero", 0) != 0);
            case "Transpose" -> transpose(x, n.intsAttr("perm"));
            case "Expand" -> broadcastTo(x, Broadcast.dims(x.dims(), in.get(1).longs()));
            case "ConstantOfShape" -> constantOfShape(n, x.longs());
            case "Range" -> range(x, in.get(1), in.get(2));
            default -> throw new NotFoldable("no evaluator for " + n.opType());
        };
    }

    private int[] indices(long[] dims) throws NotFoldable {
        long count = Broadcast.count(dims);
        if (count > maxElements) {
            throw new NotFoldable("the result would have " + count + " elements, more than max-elements=" + maxElements);
        }
        return new int[(int) count];
    }

    private Arr arithmetic(String op, Arr a, Arr b) throws NotFoldable {
        if (a.strings() != null) {
            throw new NotFoldable(op + " on strings");
        }
        long[] dims = Broadcast.dims(a.dims(), b.dims());
        int[] ia = Broadcast.map(dims, a.dims(), indices(dims));
        int[] ib = Broadcast.map(dims, b.dims(), indices(dims));
        if (a.reals() != null) {
            double[] r = new double[ia.length];
            for (int i = 0; i < r.length; i++) {
                double x = a.reals()[ia[i]];
                double y = b.reals()[ib[i]];
                r[i] = switch (op) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    default -> x / y;
                };
            }
            return Arr.ofReals(a.type(), dims, r);
        }
        long[] r = new long[ia.length];
        for (int i = 0; i < r.length; i++) {
            long x = a.ints()[ia[i]];
            long y = b.ints()[ib[i]];
            if (op.equals("Div") && y == 0) {
                throw new NotFoldable("integer division by zero");
            }
            r[i] = switch (op) {
                case "Add" -> x + y;
                case "Sub" -> x - y;
                case "Mul" -> x * y;
                default -> a.type() == ElementType.UINT64 ? Long.divideUnsigned(x, y) : x / y;
            };
        }
        return Arr.ofInts(a.type(), dims, r);
    }

    private Arr equal(Arr a, Arr b) throws NotFoldable {
        long[] dims = Broadcast.dims(a.dims(), b.dims());
        int[] ia = Broadcast.map(dims, a.dims(), indices(dims));
        int[] ib = Broadcast.map(dims, b.dims(), indices(dims));
        long[] r = new long[ia.length];
        for (int i = 0; i < r.length; i++) {
            boolean eq = a.reals() != null ? a.reals()[ia[i]] == b.reals()[ib[i]]
                    : a.ints() != null ? a.ints()[ia[i]] == b.ints()[ib[i]]
                    : Arrays.equals(a.strings().get(ia[i]), b.strings().get(ib[i]));
            r[i] = eq ? 1 : 0;
        }
        return Arr.ofInts(ElementType.BOOL, dims, r);
    }

    private Arr where(Arr c, Arr x, Arr y) throws NotFoldable {
        long[] dims = Broadcast.dims(Broadcast.dims(c.dims(), x.dims()), y.dims());
        int[] ic = Broadcast.map(dims, c.dims(), indices(dims));
        int[] ix = Broadcast.map(dims, x.dims(), indices(dims));
        int[] iy = Broadcast.map(dims, y.dims(), indices(dims));
        Arr fromX = x.take(x.type(), dims, ix);
        Arr fromY = y.take(x.type(), dims, iy);
        int[] pick = new int[ic.length];
        for (int i = 0; i < pick.length; i++) {
            pick[i] = c.ints()[ic[i]] != 0 ? i : i + pick.length;
        }
        return Arr.concatFlat(fromX, fromY).take(x.type(), dims, pick);
    }

    private Arr gather(Arr data, Arr idx, int axis) throws NotFoldable {
        int r = data.rank();
        axis = axis < 0 ? axis + r : axis;
        long[] id = idx.longs();
        long n = data.dims()[axis];
        long[] dims = Broadcast.concat(Arrays.copyOfRange(data.dims(), 0, axis), idx.dims(),
                Arrays.copyOfRange(data.dims(), axis + 1, r));
        int[] from = indices(dims);
        long inner = Broadcast.count(Arrays.copyOfRange(data.dims(), axis + 1, r));
        int k = 0;
        long outer = Broadcast.count(Arrays.copyOfRange(data.dims(), 0, axis));
        for (long o = 0; o < outer; o++) {
            for (long j : id) {
                long jj = j < 0 ? j + n : j;
                if (jj < 0 || jj >= n) {
                    throw new NotFoldable("Gather index " + j + " is out of range for a dimension of " + n);
                }
                for (long q = 0; q < inner; q++) {
                    from[k++] = (int) ((o * n + jj) * inner + q);
                }
            }
        }
        return data.take(data.type(), dims, from);
    }

    private Arr concat(List<Arr> in, int axis) throws NotFoldable {
        int r = in.get(0).rank();
        axis = axis < 0 ? axis + r : axis;
        long[] dims = in.get(0).dims().clone();
        dims[axis] = 0;
        for (Arr a : in) {
            dims[axis] += a.dims()[axis];
        }
        int[] from = indices(dims);
        long outer = Broadcast.count(Arrays.copyOfRange(dims, 0, axis));
        long inner = Broadcast.count(Arrays.copyOfRange(dims, axis + 1, r));
        Arr all = in.get(0);
        long[] base = new long[in.size()];
        for (int i = 1; i < in.size(); i++) {
            base[i] = base[i - 1] + in.get(i - 1).size();
            all = Arr.concatFlat(all, in.get(i));
        }
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (int i = 0; i < in.size(); i++) {
                long chunk = in.get(i).dims()[axis] * inner;
                for (long q = 0; q < chunk; q++) {
                    from[k++] = (int) (base[i] + o * chunk + q);
                }
            }
        }
        return all.take(in.get(0).type(), dims, from);
    }

    private static long[] axesOf(Node n, List<Arr> in) {
        if (in.size() > 1 && in.get(1) != null) {
            return in.get(1).longs();
        }
        return n.intsAttr("axes");
    }

    private Arr unsqueeze(Arr x, long[] axes) throws NotFoldable {
        int r = x.rank() + axes.length;
        boolean[] inserted = new boolean[r];
        for (long a : axes) {
            inserted[(int) (a < 0 ? a + r : a)] = true;
        }
        long[] dims = new long[r];
        for (int i = 0, j = 0; i < r; i++) {
            dims[i] = inserted[i] ? 1 : x.dims()[j++];
        }
        return reshapeTo(x, dims);
    }

    private Arr squeeze(Arr x, long[] axes) throws NotFoldable {
        int r = x.rank();
        boolean[] drop = new boolean[r];
        for (int i = 0; i < r; i++) {
            drop[i] = axes == null && x.dims()[i] == 1;
        }
        if (axes != null) {
            for (long a : axes) {
                int i = (int) (a < 0 ? a + r : a);
                if (x.dims()[i] != 1) {
                    throw new NotFoldable("Squeeze of axis " + a + " of size " + x.dims()[i]);
                }
                drop[i] = true;
            }
        }
        return reshapeTo(x, java.util.stream.IntStream.range(0, r).filter(i -> !drop[i])
                .mapToLong(i -> x.dims()[i]).toArray());
    }

    private Arr reshape(Arr x, long[] shape, boolean allowZero) throws NotFoldable {
        long[] dims = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0 && !allowZero) {
                dims[i] = x.dims()[i];
            }
            if (dims[i] == -1) {
                infer = i;
            } else {
                known *= dims[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new NotFoldable("Reshape of " + x.size() + " elements to " + Arrays.toString(shape));
            }
            dims[infer] = x.size() / known;
        }
        return reshapeTo(x, dims);
    }

    private Arr reshapeTo(Arr x, long[] dims) throws NotFoldable {
        int[] from = indices(dims);
        if (from.length != x.size()) {
            throw new NotFoldable("cannot reshape " + x.size() + " elements to " + Arrays.toString(dims));
        }
        for (int i = 0; i < from.length; i++) {
            from[i] = i;
        }
        return x.take(x.type(), dims, from);
    }

    private Arr slice(Node n, List<Arr> in) throws NotFoldable {
        Arr x = in.get(0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (in.size() > 1) {
            starts = in.get(1).longs();
            ends = in.get(2).longs();
            axes = in.size() > 3 && in.get(3) != null ? in.get(3).longs() : null;
            steps = in.size() > 4 && in.get(4) != null ? in.get(4).longs() : null;
        } else {
            starts = n.intsAttr("starts");
            ends = n.intsAttr("ends");
            axes = n.intsAttr("axes");
        }
        int r = x.rank();
        long[] start = new long[r];
        long[] step = new long[r];
        long[] dims = x.dims().clone();
        Arrays.fill(step, 1);
        for (int k = 0; k < starts.length; k++) {
            int a = (int) (axes == null ? k : axes[k] < 0 ? axes[k] + r : axes[k]);
            long d = x.dims()[a];
            long s = steps == null ? 1 : steps[k];
            if (s == 0) {
                throw new NotFoldable("Slice step 0");
            }
            long b = starts[k] < 0 ? starts[k] + d : starts[k];
            long e = ends[k] < 0 ? ends[k] + d : ends[k];
            // ONNX clamps starts and ends to [0, d] going forward and [-1, d-1] going backward.
            b = s > 0 ? Math.max(0, Math.min(b, d)) : Math.max(-1, Math.min(b, d - 1));
            e = s > 0 ? Math.max(0, Math.min(e, d)) : Math.max(-1, Math.min(e, d - 1));
            start[a] = b;
            step[a] = s;
            dims[a] = s > 0 ? Math.max(0, (e - b + s - 1) / s) : Math.max(0, (b - e - s - 1) / -s);
        }
        int[] from = indices(dims);
        long[] strides = Broadcast.strides(x.dims());
        long[] pos = new long[r];
        for (int i = 0; i < from.length; i++) {
            long src = 0;
            for (int a = 0; a < r; a++) {
                src += (start[a] + pos[a] * step[a]) * strides[a];
            }
            from[i] = (int) src;
            Broadcast.increment(pos, dims);
        }
        return x.take(x.type(), dims, from);
    }

    private Arr cast(Arr x, ElementType to) throws NotFoldable {
        if (to == null || x.strings() != null || !(Arr.isReal(to) || Arr.isInteger(to))) {
            throw new NotFoldable("Cast to " + (to == null ? "?" : to.textName()) + " from " + x.type().textName());
        }
        int n = x.size();
        if (Arr.isReal(to)) {
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                r[i] = x.reals() != null ? x.reals()[i]
                        : x.type() == ElementType.UINT64 ? unsigned(x.ints()[i]) : x.ints()[i];
            }
            return Arr.ofReals(to, x.dims(), r);
        }
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            if (x.ints() != null) {
                r[i] = x.ints()[i];
                continue;
            }
            double v = x.reals()[i];
            if (to == ElementType.BOOL) {
                r[i] = v != 0 ? 1 : 0;
            } else if (Double.isNaN(v) || Math.abs(v) >= 0x1p63) {
                throw new NotFoldable("Cast of " + v + " to " + to.textName() + " is not defined exactly");
            } else {
                r[i] = (long) v; // truncation toward zero, as C++ conversion does
            }
        }
        return Arr.ofInts(to, x.dims(), r);
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    private Arr transpose(Arr x, long[] perm) throws NotFoldable {
        int r = x.rank();
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        long[] dims = new long[r];
        long[] strides = Broadcast.strides(x.dims());
        long[] permStrides = new long[r];
        for (int i = 0; i < r; i++) {
            dims[i] = x.dims()[(int) perm[i]];
            permStrides[i] = strides[(int) perm[i]];
        }
        int[] from = indices(dims);
        long[] pos = new long[r];
        for (int i = 0; i < from.length; i++) {
            long src = 0;
            for (int a = 0; a < r; a++) {
                src += pos[a] * permStrides[a];
            }
            from[i] = (int) src;
            Broadcast.increment(pos, dims);
        }
        return x.take(x.type(), dims, from);
    }

    private Arr broadcastTo(Arr x, long[] dims) throws NotFoldable {
        return x.take(x.type(), dims, Broadcast.map(dims, x.dims(), indices(dims)));
    }

    private Arr constantOfShape(Node n, long[] shape) throws NotFoldable {
        Attribute a = n.attribute("value");
        Arr v = a == null ? Arr.ofReals(ElementType.FLOAT, new long[] {1}, new double[] {0}) : Arr.of(a.asTensor());
        if (v == null || v.size() != 1) {
            throw new NotFoldable("ConstantOfShape value is not a one-element tensor the evaluator reads");
        }
        return v.take(v.type(), shape, indices(shape));
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
        long[] r = new long[indices(dims).length];
        for (int i = 0; i < r.length; i++) {
            r[i] = s + i * d;
        }
        return Arr.ofInts(start.type(), dims, r);
    }
}
