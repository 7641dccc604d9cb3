package dev.yard.passes.numeric;

import dev.yard.ir.ElementType;
import dev.yard.ir.Tensor;

/**
 * Real tensors as double arrays and back. Going back rounds each element once, from double
 * straight to the target type (float16 included: rounding through float first could round
 * twice), so a computation done in double loses only the one rounding a careful
 * implementation in the target type would also incur.
 */
public final class Doubles {
    private Doubles() {}

    /** Types {@link #toTensor} can write. */
    public static boolean isSupported(ElementType t) {
        return t == ElementType.FLOAT || t == ElementType.DOUBLE || t == ElementType.FLOAT16;
    }

    public static double[] of(Tensor t) {
        double[] out = new double[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getDouble(i);
        }
        return out;
    }

    public static Tensor toTensor(ElementType type, long[] dims, double[] v) {
        if (!isSupported(type)) {
            throw new IllegalArgumentException("cannot write " + type.textName() + " from doubles");
        }
        return Tensor.ofDoublesAs(type, dims, v);
    }
}
