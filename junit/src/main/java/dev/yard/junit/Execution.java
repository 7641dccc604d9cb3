package dev.yard.junit;

import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.ort.SeededInputs;
import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Model;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs models in ONNX Runtime on seeded random inputs and compares their outputs: the check
 * that a rewrite which prints as expected also computes what the original computed.
 */
public final class Execution {
    /** The size given to symbolic dimensions of inputs (N in float[N,3]) when a case is executed. */
    static final long SYMBOLIC_SIZE = 2;

    private Execution() {}

    /**
     * How close two float outputs must be: elementwise {@code |a - b| <= atol + rtol * |b|}, or,
     * for pipelines that approximate (a decomposition at reduced rank), the relative L2 error of
     * each whole output at most {@code relL2} (when above 0).
     */
    record Tolerance(double rtol, double atol, double relL2) {
        /** Parses {@code rtol=1e-5 atol=1e-6} or {@code rel-l2=0.2} (any may be left out: 0). */
        static Tolerance parse(String text) {
            double rtol = 0;
            double atol = 0;
            double relL2 = 0;
            for (String part : text.trim().split("\\s+")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("tolerance '" + part + "': expected NAME=VALUE");
                }
                switch (kv[0]) {
                    case "rtol" -> rtol = Double.parseDouble(kv[1]);
                    case "atol" -> atol = Double.parseDouble(kv[1]);
                    case "rel-l2" -> relL2 = Double.parseDouble(kv[1]);
                    default -> throw new IllegalArgumentException("unknown tolerance '" + part + "'");
                }
            }
            return new Tolerance(rtol, atol, relL2);
        }
    }

    /**
     * Inputs for every graph input that has no default: normal values for floats, integers in
     * [0, 4) for integer types, from {@code seed}. Symbolic dimensions are given size
     * {@link #SYMBOLIC_SIZE}; unknown ones are refused.
     */
    public static Map<String, Tensor> randomInputs(Model m, long seed) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, ElementType> types = new LinkedHashMap<>();
        for (Value v : m.graph().inputs()) {
            if (v.isInitializer()) {
                continue;
            }
            Shape s = v.shape();
            ElementType t = v.elementType();
            if (s == null || t == null || s.dims().stream().anyMatch(d -> d instanceof Dim.Unknown)) {
                throw new IllegalArgumentException("input " + v + " needs a known type and rank to be executed");
            }
            shapes.put(
                    v.name(),
                    s.dims().stream()
                            .mapToLong(d -> d instanceof Dim.Known k ? k.size() : SYMBOLIC_SIZE)
                            .toArray());
            types.put(v.name(), t);
        }
        return SeededInputs.signed(shapes, types, seed);
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
            if (tol.relL2() > 0) {
                dev.yard.ir.analysis.RelativeL2 error = new dev.yard.ir.analysis.RelativeL2();
                error.add(b.toFloatArray(), a.toFloatArray());
                if (!(error.value() <= tol.relL2())) {
                    return "output " + e.getKey() + " has relative L2 error " + error.value()
                            + " after the pipeline in ONNX Runtime, above rel-l2=" + tol.relL2();
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
