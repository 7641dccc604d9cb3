package dev.yard.api;

import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.ort.SeededInputs;
import dev.yard.backend.tvm.TvmPreparation;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The inputs Yard runs a model on when it has no images: their shapes and seeded values. */
final class Inputs {
    private Inputs() {}

    /** The input's shape to run with: as given, or as declared with a dynamic batch of 1. */
    static long[] shape(String name, long[] declared, Map<String, String> given) {
        if (given.containsKey(name)) {
            return TvmPreparation.inputShape(name, given.get(name));
        }
        long[] s = declared.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0 && i == 0) {
                s[i] = 1;
            } else if (s[i] < 0) {
                throw YardException.badInput("input '" + name + "' has dynamic dimensions: give " + "--input-shape "
                        + name + "=D,D,... (rank selection and measuring run the model)");
            }
        }
        return s;
    }

    /**
     * Seeded inputs for every tensor input of the session's model, at its shapes (dynamic ones
     * from {@code given}): uniform in [0, 1) for floating-point inputs, random booleans, zeros
     * for integers (valid as indices and sizes).
     */
    static Map<String, Tensor> random(OrtSession session, Map<String, String> given, long seed) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        session.inputShapes().forEach((name, declared) -> shapes.put(name, shape(name, declared, given)));
        return SeededInputs.of(shapes, session.inputTypes(), seed);
    }
}
