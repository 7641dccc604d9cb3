package dev.yard.ir.infer;

import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Shape;
import dev.yard.ir.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * Combines an inferred type with the type a value already has (value_info from the file):
 * the result keeps whatever either side knows, and a definite disagreement is a conflict
 * rather than something to overwrite silently.
 */
final class TypeMerge {
    private TypeMerge() {}

    /** The merged type, or a description of the conflict. */
    record Result(ValueType type, String conflict) {}

    static Result merge(ValueType existing, ValueType inferred) {
        if (inferred == null) {
            return new Result(existing, null);
        }
        if (existing == null) {
            return new Result(inferred, null);
        }
        if (!(existing instanceof ValueType.TensorType e) || !(inferred instanceof ValueType.TensorType i)) {
            return existing.equals(inferred)
                    ? new Result(existing, null)
                    : new Result(existing, "declared " + existing + " but inferred " + inferred);
        }
        ElementType et = e.elementType();
        if (et == null) {
            et = i.elementType();
        } else if (i.elementType() != null && i.elementType() != et) {
            return new Result(
                    existing,
                    "declared element type " + et.textName() + " but inferred "
                            + i.elementType().textName());
        }
        Shape s = e.shape();
        if (s == null) {
            s = i.shape();
        } else if (i.shape() != null) {
            if (s.rank() != i.shape().rank()) {
                return new Result(existing, "declared shape " + s + " but inferred " + i.shape());
            }
            List<Dim> dims = new ArrayList<>();
            for (int d = 0; d < s.rank(); d++) {
                Dim a = s.dim(d);
                Dim b = i.shape().dim(d);
                if (a.isKnown() && b.isKnown() && !a.equals(b)) {
                    return new Result(existing, "declared shape " + s + " but inferred " + i.shape());
                }
                // A known size beats a symbol or nothing; of two symbols the file's name stays.
                dims.add(a.isKnown() || b instanceof Dim.Unknown || a instanceof Dim.Symbolic && !b.isKnown() ? a : b);
            }
            s = new Shape(dims);
        }
        return new Result(ValueType.tensor(et, s), null);
    }
}
