package dev.yard.ir;

/**
 * Conversions to and from the 16-bit float formats (IEEE half, bfloat16), rounding to nearest
 * even, since Java 17 has no built-in half-precision type. The one rounding every part of
 * Yard uses: from a double it rounds once, to the 16-bit value nearest the double (going
 * through float first could land on a tie that the double is not on, and round it the wrong
 * way).
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** {@code f} rounded to the nearest value of {@code type} (FLOAT16 or BFLOAT16). */
    public static float round(ElementType type, float f) {
        return switch (type) {
            case FLOAT16 -> fromHalf(toHalf(f));
            case BFLOAT16 -> fromBfloat16(toBfloat16(f));
            default -> throw new IllegalArgumentException("not a 16-bit float type: " + type);
        };
    }

    /** {@code d} rounded once to the nearest value of {@code type} (FLOAT16 or BFLOAT16). */
    public static float round(ElementType type, double d) {
        return switch (type) {
            case FLOAT16 -> fromHalf(toHalf(d));
            case BFLOAT16 -> fromBfloat16(toBfloat16(d));
            default -> throw new IllegalArgumentException("not a 16-bit float type: " + type);
        };
    }

    /** The bits of the float16 nearest to {@code d}, ties to even. */
    public static short toHalf(double d) {
        return nearest(d, toHalf((float) d), HalfFloats::fromHalf, 0x1p16);
    }

    /** The bits of the bfloat16 nearest to {@code d}, ties to even. */
    public static short toBfloat16(double d) {
        return nearest(d, toBfloat16((float) d), HalfFloats::fromBfloat16, 0x1p128);
    }

    /** What a 16-bit pattern stands for. */
    private interface ShortToFloat {
        float apply(short bits);
    }

    /**
     * Of {@code candidate} (the 16-bit value nearest {@code (float) d}) and its two neighbours,
     * the one nearest {@code d}, ties to even: the float rounding can only have moved {@code d}
     * onto a tie or across one, so the right value is never further than a neighbour. Infinity
     * counts as {@code overflow} (the power of two past the largest finite value), as IEEE
     * rounding has it: what lies at least halfway to it overflows.
     */
    private static short nearest(double d, short candidate, ShortToFloat value, double overflow) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return candidate;
        }
        short best = candidate;
        double bestErr = Math.abs(magnitude(value.apply(candidate), overflow) - d);
        for (int delta : new int[] {-1, 1}) {
            int bits = (candidate & 0xffff) + delta;
            if ((bits & 0x7fff) == 0 && delta > 0 || ((candidate & 0x7fff) == 0 && delta < 0)) {
                continue; // would wrap to the other sign
            }
            short c = (short) bits;
            float cv = value.apply(c);
            if (Float.isNaN(cv)) {
                continue; // past infinity
            }
            double err = Math.abs(magnitude(cv, overflow) - d);
            if (err < bestErr || (err == bestErr && (c & 1) == 0 && (best & 1) != 0)) {
                best = c;
                bestErr = err;
            }
        }
        return best;
    }

    private static double magnitude(float v, double overflow) {
        return Float.isInfinite(v) ? Math.copySign(overflow, v) : v;
    }

    public static float fromHalf(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    public static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    public static float fromBfloat16(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    public static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }
}
