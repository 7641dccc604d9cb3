package dev.yard.backend.ort;

import dev.yard.ir.ElementType;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded model inputs: the one generator behind every run of a model on made-up data (the
 * fidelity checks and calibration of {@code optimize} without images, {@code run}, the
 * measured cost models, the benchmarks). The same seed gives the same bytes on every machine.
 */
public final class SeededInputs {
    private SeededInputs() {}

    /** {@code dims} of values uniform in [low, low + 1) drawn from {@code r}, stored as {@code type} (a float type). */
    public static Tensor uniform(ElementType type, long[] dims, SplittableRandom r, double low) {
        int n = elements(dims);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (low + r.nextDouble());
        }
        return type == ElementType.FLOAT ? Tensor.ofFloats(dims, v) : Tensor.ofFloatsAs(type, dims, v);
    }

    /**
     * Inputs by name at {@code shapes}, each of its type in {@code types} (float when absent),
     * from one stream seeded with {@code seed}, in the order of {@code shapes}: uniform in
     * [0, 1) for floating-point inputs, random booleans, zeros for integers (valid as indices
     * and sizes). Strings and types without element access are bad input.
     */
    public static Map<String, Tensor> of(Map<String, long[]> shapes, Map<String, ElementType> types, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] s = e.getValue();
            ElementType type = types.getOrDefault(e.getKey(), ElementType.FLOAT);
            m.put(
                    e.getKey(),
                    switch (type) {
                        case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> uniform(type, s, r, 0);
                        case BOOL -> {
                            int n = elements(s);
                            ByteBuffer b = ByteBuffer.allocate(n);
                            for (int i = 0; i < n; i++) {
                                b.put(i, (byte) (r.nextBoolean() ? 1 : 0));
                            }
                            yield Tensor.ofRaw(type, s, b);
                        }
                        default -> {
                            if (type == ElementType.STRING || !type.hasElementAccess()) {
                                throw YardException.badInput("input '" + e.getKey() + "' is of type " + type.textName()
                                        + ": Yard runs models on numeric inputs only");
                            }
                            yield Tensor.ofRaw(
                                    type, s, ByteBuffer.allocate(Math.toIntExact(type.byteSize(elements(s)))));
                        }
                    });
        }
        return m;
    }

    /**
     * Signed inputs by name at {@code shapes}, each of its type in {@code types}, from one
     * {@link java.util.Random} seeded with {@code seed}, in the order of {@code shapes}: standard
     * normal values for floating-point inputs (negative ones too, for the branches uniform [0, 1)
     * never takes), integers in [0, 4), random booleans. What golden cases run on.
     */
    public static Map<String, Tensor> signed(Map<String, long[]> shapes, Map<String, ElementType> types, long seed) {
        java.util.Random r = new java.util.Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            ElementType t = types.getOrDefault(e.getKey(), ElementType.FLOAT);
            double[] x = new double[elements(e.getValue())];
            for (int i = 0; i < x.length; i++) {
                x[i] = t.isFloatingPoint() ? r.nextGaussian() : r.nextInt(t == ElementType.BOOL ? 2 : 4);
            }
            m.put(e.getKey(), ofDoubles(t, e.getValue(), x));
        }
        return m;
    }

    /** A tensor of {@code type} holding {@code v} converted to that type (integers truncated, booleans nonzero). */
    public static Tensor ofDoubles(ElementType type, long[] dims, double[] v) {
        if (type.isFloatingPoint()) {
            if (type == ElementType.DOUBLE) {
                ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                b.asDoubleBuffer().put(v);
                return Tensor.ofRaw(type, dims, b);
            }
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return Tensor.ofFloatsAs(type, dims, f);
        }
        ByteBuffer b = ByteBuffer.allocate((int) type.byteSize(v.length)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            long l = (long) x;
            switch (type.bits()) {
                case 64 -> b.putLong(l);
                case 32 -> b.putInt((int) l);
                case 16 -> b.putShort((short) l);
                case 8 -> b.put((byte) (type == ElementType.BOOL ? (l != 0 ? 1 : 0) : l));
                default -> throw new IllegalArgumentException("cannot generate " + type.textName());
            }
        }
        b.flip();
        return Tensor.ofRaw(type, dims, b);
    }

    private static int elements(long[] dims) {
        int n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, Math.toIntExact(d));
        }
        return n;
    }
}
