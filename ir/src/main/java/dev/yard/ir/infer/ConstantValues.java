package dev.yard.ir.infer;

import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import java.util.Set;

/**
 * Reads the contents of values that are constant at compile time: initializers that the
 * caller cannot override and outputs of Constant nodes. Shape rules use them for Reshape's
 * shape, Slice's starts and the like; folding computed constants is a later pass's job.
 */
final class ConstantValues {
    /** Initializers that are also graph inputs: a caller may feed other contents. */
    private final Set<Value> overridable;

    ConstantValues(Set<Value> overridable) {
        this.overridable = overridable;
    }

    /** The constant contents of {@code v}, or null when it is not a known constant. */
    Tensor tensor(Value v) {
        if (v == null) {
            return null;
        }
        if (v.isInitializer()) {
            return overridable.contains(v) ? null : v.initializer();
        }
        Node p = v.producer();
        if (p == null || !p.is("Constant") || p.outputs().size() != 1) {
            return null;
        }
        return constantNodeValue(p);
    }

    /** The tensor a Constant node produces, or null when its attribute is not a plain value. */
    static Tensor constantNodeValue(Node p) {
        for (Attribute a : p.attributes().values()) {
            if (a.isReference()) {
                return null;
            }
            switch (a.name()) {
                case "value":
                    return a.kind() == Attribute.Kind.TENSOR ? a.asTensor() : null;
                case "value_int":
                    return Tensor.ofLongs(new long[0], a.asLong());
                case "value_ints": {
                    long[] v = a.asLongs();
                    return Tensor.ofLongs(new long[] {v.length}, v);
                }
                case "value_float":
                    return Tensor.ofFloats(new long[0], a.asFloat());
                case "value_floats": {
                    float[] v = a.asFloats();
                    return Tensor.ofFloats(new long[] {v.length}, v);
                }
                default:
                    break;
            }
        }
        return null;
    }

    /** The elements of a constant integer tensor, or null when not constant or not integral. */
    long[] ints(Value v) {
        Tensor t = tensor(v);
        if (t == null
                || !t.elementType().hasElementAccess()
                || t.elementType().isFloatingPoint()
                || t.elementType() == ElementType.BOOL) {
            return null;
        }
        return t.toLongArray();
    }

    /** The elements of a constant real tensor as doubles, or null. */
    double[] doubles(Value v) {
        Tensor t = tensor(v);
        if (t == null || !t.elementType().hasElementAccess()) {
            return null;
        }
        double[] out = new double[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getDouble(i);
        }
        return out;
    }
}
