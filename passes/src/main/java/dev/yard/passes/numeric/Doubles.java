package dev.yard.passes.numeric;

import dev.yard.ir.ElementType;
import dev.yard.ir.HalfFloats;
import dev.yard.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
        ByteBuffer b =
                ByteBuffer.allocate(Math.toIntExact(type.byteSize(v.length))).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) {
            switch (type) {
                case FLOAT -> b.putFloat(i * 4, (float) v[i]);
                case DOUBLE -> b.putDouble(i * 8, v[i]);
                case FLOAT16 -> b.putShort(i * 2, toHalf(v[i]));
                default -> throw new IllegalArgumentException("cannot write " + type.textName() + " from doubles");
            }
        }
        return Tensor.ofRaw(type, dims, b);
    }

    /**
     * The float16 nearest to {@code d} (ties to even). Rounding to float first is right except
     * when that lands on a tie between two halves, so the neighbours of the candidate are
     * compared against {@code d} itself.
     */
    static short toHalf(double d) {
        return toHalfBits(d);
    }

    /** The bits of the float16 nearest to {@code d}, ties to even. */
    public static short toHalfBits(double d) {
        short h = HalfFloats.toHalf((float) d);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return h;
        }
        short best = h;
        double bestErr = Math.abs(HalfFloats.fromHalf(h) - d);
        for (int delta : new int[] {-1, 1}) {
            int bits = (h & 0xffff) + delta;
            if ((bits & 0x7fff) == 0x7fff || ((h & 0x7fff) == 0 && delta < 0)) {
                continue; // would wrap to the other sign or past the largest magnitude
            }
            short c = (short) bits;
            float cv = HalfFloats.fromHalf(c);
            if (Float.isNaN(cv) || Float.isInfinite(cv)) {
                continue;
            }
            double err = Math.abs(cv - d);
            if (err < bestErr || (err == bestErr && (c & 1) == 0 && (best & 1) != 0)) {
                best = c;
                bestErr = err;
            }
        }
        return best;
    }
}
