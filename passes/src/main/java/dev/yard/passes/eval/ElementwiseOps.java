package dev.yard.passes.eval;

import dev.yard.ir.ElementType;
import dev.yard.passes.eval.Evaluator.NotFoldable;
import java.util.Arrays;

/**
 * The element-by-element ops of the evaluator: Add, Sub, Mul, Div, Equal and Where with numpy
 * broadcasting, and Cast. {@link Arr} rounds real results and wraps integer results to the
 * element type; an integer division by zero, or a Cast with no exact result (NaN to an
 * integer, say), is refused.
 */
final class ElementwiseOps {
    private final ResultCap cap;

    ElementwiseOps(ResultCap cap) {
        this.cap = cap;
    }

    Arr arithmetic(String op, Arr a, Arr b) throws NotFoldable {
        if (a.strings() != null) {
            throw new NotFoldable(op + " on strings");
        }
        long[] dims = Broadcast.dims(a.dims(), b.dims());
        int[] ia = Broadcast.map(dims, a.dims(), cap.indices(dims));
        int[] ib = Broadcast.map(dims, b.dims(), cap.indices(dims));
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

    Arr equal(Arr a, Arr b) throws NotFoldable {
        long[] dims = Broadcast.dims(a.dims(), b.dims());
        int[] ia = Broadcast.map(dims, a.dims(), cap.indices(dims));
        int[] ib = Broadcast.map(dims, b.dims(), cap.indices(dims));
        long[] r = new long[ia.length];
        for (int i = 0; i < r.length; i++) {
            boolean eq = a.reals() != null
                    ? a.reals()[ia[i]] == b.reals()[ib[i]]
                    : a.ints() != null
                            ? a.ints()[ia[i]] == b.ints()[ib[i]]
                            : Arrays.equals(a.strings().get(ia[i]), b.strings().get(ib[i]));
            r[i] = eq ? 1 : 0;
        }
        return Arr.ofInts(ElementType.BOOL, dims, r);
    }

    Arr where(Arr c, Arr x, Arr y) throws NotFoldable {
        long[] dims = Broadcast.dims(Broadcast.dims(c.dims(), x.dims()), y.dims());
        int[] ic = Broadcast.map(dims, c.dims(), cap.indices(dims));
        int[] ix = Broadcast.map(dims, x.dims(), cap.indices(dims));
        int[] iy = Broadcast.map(dims, y.dims(), cap.indices(dims));
        Arr fromX = x.take(x.type(), dims, ix);
        Arr fromY = y.take(x.type(), dims, iy);
        int[] pick = new int[ic.length];
        for (int i = 0; i < pick.length; i++) {
            pick[i] = c.ints()[ic[i]] != 0 ? i : i + pick.length;
        }
        return Arr.concatFlat(fromX, fromY).take(x.type(), dims, pick);
    }

    Arr cast(Arr x, ElementType to) throws NotFoldable {
        if (to == null || x.strings() != null || !(Arr.isReal(to) || Arr.isInteger(to))) {
            throw new NotFoldable("Cast to " + (to == null ? "?" : to.textName()) + " from "
                    + x.type().textName());
        }
        int n = x.size();
        if (Arr.isReal(to)) {
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                r[i] = x.reals() != null
                        ? x.reals()[i]
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
}
