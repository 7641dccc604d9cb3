package dev.yard.junit;

import dev.yard.backend.ort.OrtSession;
import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Model;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Runs models in ONNX Runtime on seeded random inputs and compares their outputs: the check
 * that a rewrite which prints as expected also computes what the original computed.
 */
public final class Execution {
    /** The size given to symbolic dimensions of inputs (N in float[N,3]) when a case is executed. */
    static final long SYMBOLIC_SIZE = 2;

    private Execution() {}

    /** How close two float outputs must be: elementwise {@code |a - b| <= atol + rtol * |b|}. */
    record Tolerance(double rtol, double atol) {
        /** Parses {@code rtol=1e-5 atol=1e-6} (either may be left out: 0). */
        static Tolerance parse(String text) {
            double rtol = 0;
            double atol = 0;
            for (String part : text.trim().split("\\s+")) {
                String[] kv = part.split("=", 2);
                switch (kv[0]) {
                    case "rtol" -> rtol = Double.parseDouble(kv[1]);
                    case "atol" -> atol = Double.parseDouble(kv[1]);
                    default -> throw new IllegalArgumentException("unknown tolerance '" + part + "'");
                }
            }
            return new Tolerance(rtol, atol);
        }
    }

    /**
     * Inputs for every graph input that has no default: normal values for floats, integers in
     * [0, 4) for integer types, from {@code seed}. Symbolic dimensions are given size
     * {@link #SYMBOLIC_SIZE}; unknown ones are refused.
     */
    public static Map<String, Tensor> randomInputs(Model m, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (Value v : m.graph().inputs()) {
            if (v.isInitializer()) {
                continue;
            }
            Shape s = v.shape();
            ElementType t = v.elementType();
            if (s == null || t == null || s.dims().stream().anyMatch(d -> d instanceof Dim.Unknown)) {
                throw new IllegalArgumentException("input " + v + " needs a known type and rank to be executed");
            }
            long[] dims = s.dims().stream()
                    .mapToLong(d -> d instanceof Dim.Known k ? k.size() : SYMBOLIC_SIZE)
                    .toArray();
            double[] x = new double[Math.toIntExact(Shape.of(dims).elementCount())];
            for (int i = 0; i < x.length; i++) {
                x[i] = t.isFloatingPoint() ? r.nextGaussian() : r.nextInt(t == ElementType.BOOL ? 2 : 4);
            }
            feeds.put(v.name(), Weights.of(t, dims, x));
        }
        return feeds;
    }

    /** Runs {@code m} with ONNX Runtime's own graph rewrites off, so that only Yard's rewrites are compared. */
    public static Map<String, Tensor> run(Model m, Map<String, Tensor> feeds) {
        try (OrtSession s = OrtSession.unoptimized(m, 1)) {
            return s.run(feeds);
        }
    }

    /** Null when {@code actual} matches {@code expected} output by output; else the first mismatch. */
    static String compare(Map<String, Tensor> expected, Map<String, Tensor> actual, Tolerance tol) {
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor a = actual.get(e.getKey());
            Tensor b = e.getValue();
            if (a == null) {
                return "output " + e.getKey() + " is missing after the pipeline";
            }
            if (a.elementType() != b.elementType() || !a.shape().equals(b.shape())) {
                return "output " + e.getKey() + " was " + b + ", is " + a;
            }
            if (!b.elementType().isFloatingPoint()) {
                if (!a.contentEquals(b)) {
                    return "output " + e.getKey() + ": integer contents differ";
                }
                continue;
            }
            for (long i = 0; i < b.elementCount(); i++) {
                double x = a.getDouble(i);
                double y = b.getDouble(i);
                boolean bothNan = Double.isNaN(x) && Double.isNaN(y);
                if (!bothNan && !(Math.abs(x - y) <= tol.atol() + tol.rtol() * Math.abs(y))) {
                    return "output " + e.getKey() + "[" + i + "] was " + y + " in ONNX Runtime before the pipeline, is "
                            + x + " after (tolerance " + tol + ")";
                }
            }
        }
        return null;
    }
}
