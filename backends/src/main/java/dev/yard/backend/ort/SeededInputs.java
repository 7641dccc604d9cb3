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

    private static int elements(long[] dims) {
        int n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, Math.toIntExact(d));
        }
        return n;
    }
}
