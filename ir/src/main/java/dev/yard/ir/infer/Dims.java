package dev.yard.ir.infer;

import dev.yard.ir.Dim;
import dev.yard.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Arithmetic on dimensions that may be known, symbolic or unknown. Every operation answers
 * the most precise dimension that is certainly right: a symbol survives only operations
 * that leave it unchanged (adding 0, multiplying by 1), and anything else it meets becomes
 * {@link Dim#UNKNOWN}.
 */
final class Dims {
    /** The shape of a scalar (rank 0). */
    static final Shape SCALAR = new Shape(List.of());

    private Dims() {}

    static Dim add(Dim a, long c) {
        if (c == 0) {
            return a;
        }
        return a instanceof Dim.Known k ? Dim.of(exact(() -> Math.addExact(k.size(), c))) : Dim.UNKNOWN;
    }

    /**
     * A dimension computed without wrapping: 70 doublings of a dimension wrapped to 0 and 64
     * to a negative size, and the model then exhausted memory or hung.
     */
    private static long exact(java.util.function.LongSupplier f) {
        try {
            return f.getAsLong();
        } catch (ArithmeticException e) {
            throw new ShapeError("a dimension overflows 64 bits");
        }
    }

    static Dim mul(Dim a, long c) {
        if (c == 1) {
            return a;
        }
        if (c == 0) {
            return Dim.of(0);
        }
        return a instanceof Dim.Known k ? Dim.of(exact(() -> Math.multiplyExact(k.size(), c))) : Dim.UNKNOWN;
    }

    /** a / c when c divides a known a; unknown otherwise (a symbol divided by 1 stays). */
    static Dim div(Dim a, long c) {
        if (c == 1) {
            return a;
        }
        if (a instanceof Dim.Known k && c > 0) {
            if (k.size() % c != 0) {
                throw new ShapeError("dimension " + k.size() + " is not divisible by " + c);
            }
            return Dim.of(k.size() / c);
        }
        return Dim.UNKNOWN;
    }

    /** The sum of dimensions; a single symbol plus zeros stays that symbol. */
    static Dim sum(List<Dim> ds) {
        long known = 0;
        Dim other = null;
        for (Dim d : ds) {
            if (d instanceof Dim.Known k) {
                long before = known;
                known = exact(() -> Math.addExact(before, k.size()));
            } else if (other == null) {
                other = d;
            } else {
                return Dim.UNKNOWN;
            }
        }
        return other == null ? Dim.of(known) : add(other, known);
    }

    /** The product of dimensions; a single symbol times ones stays that symbol. */
    static Dim product(List<Dim> ds) {
        long known = 1;
        Dim other = null;
        for (Dim d : ds) {
            if (d instanceof Dim.Known k) {
                long before = known;
                known = exact(() -> Math.multiplyExact(before, k.size()));
            } else if (other == null) {
                other = d;
            } else {
                // Two unknowns, unless a known zero makes the product zero.
                other = Dim.UNKNOWN;
            }
        }
        if (known == 0) {
            return Dim.of(0);
        }
        return other == null ? Dim.of(known) : mul(other, known);
    }

    /**
     * Two dimensions that ONNX requires to be equal: the more precise one, or an error when
     * both are known and differ.
     */
    static Dim unify(Dim a, Dim b, String what) {
        if (a instanceof Dim.Known ka && b instanceof Dim.Known kb) {
            if (ka.size() != kb.size()) {
                throw new ShapeError(what + ": " + ka.size() + " vs " + kb.size());
            }
            return a;
        }
        if (a instanceof Dim.Known) {
            return a;
        }
        if (b instanceof Dim.Known) {
            return b;
        }
        return a instanceof Dim.Symbolic ? a : b;
    }

    /** Multidirectional (numpy) broadcasting of one pair of aligned dimensions. */
    static Dim broadcast(Dim a, Dim b) {
        long sa = a.sizeOrNegative();
        long sb = b.sizeOrNegative();
        if (sa == 1) {
            return b;
        }
        if (sb == 1) {
            return a;
        }
        if (sa >= 0 && sb >= 0) {
            if (sa != sb) {
                throw new ShapeError("cannot broadcast " + sa + " against " + sb);
            }
            return a;
        }
        // A known size other than 1 wins: the other side is either equal or 1.
        if (sa >= 0) {
            return a;
        }
        if (sb >= 0) {
            return b;
        }
        if (a.equals(b) && a instanceof Dim.Symbolic) {
            return a;
        }
        return Dim.UNKNOWN;
    }

    /** Multidirectional broadcasting of shapes; null (unknown rank) is contagious. */
    static Shape broadcast(List<Shape> shapes) {
        int rank = 0;
        for (Shape s : shapes) {
            if (s == null) {
                return null;
            }
            rank = Math.max(rank, s.rank());
        }
        List<Dim> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            Dim d = Dim.of(1);
            for (Shape s : shapes) {
                int j = i - (rank - s.rank());
                if (j >= 0) {
                    d = broadcast(d, s.dim(j));
                }
            }
            out.add(d);
        }
        return new Shape(out);
    }

    /**
     * The output length of a sliding window (conv or pool) over {@code in} with kernel
     * {@code k}, stride, dilation and explicit padding on both ends.
     */
    static Dim window(Dim in, long k, long stride, long dilation, long padBegin, long padEnd, boolean ceil) {
        long effective = (k - 1) * dilation + 1;
        long padTotal = padBegin + padEnd;
        if (!(in instanceof Dim.Known kin)) {
            // Only a window that neither shrinks nor strides keeps the symbol.
            return stride == 1 && padTotal - effective + 1 == 0 ? in : Dim.UNKNOWN;
        }
        long span = kin.size() + padTotal - effective;
        if (span < 0) {
            throw new ShapeError(
                    "window of " + effective + " does not fit in " + kin.size() + " (+" + padTotal + " padding)");
        }
        long out = (ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
        // With ceil_mode the last window must start inside the input or its left padding;
        // ONNX Runtime and PyTorch drop a window that would start in the right padding.
        // (onnx.shape_inference 1.23 does not, and says 4 for 5 wide, k2 s2 pads 1; ORT runs 3.)
        if (ceil && (out - 1) * stride >= kin.size() + padBegin) {
            out--;
        }
        return Dim.of(out);
    }

    /** ceil(in / stride), the output of SAME auto-padding. */
    static Dim ceilDiv(Dim in, long stride) {
        if (stride == 1) {
            return in;
        }
        return in instanceof Dim.Known k ? Dim.of(Math.floorDiv(k.size() + stride - 1, stride)) : Dim.UNKNOWN;
    }

    static Shape unknownDims(int rank) {
        List<Dim> d = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            d.add(Dim.UNKNOWN);
        }
        return new Shape(d);
    }
}
