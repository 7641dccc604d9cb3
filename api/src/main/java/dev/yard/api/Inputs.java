package dev.yard.api;

import dev.yard.api.internal.Samples;
import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.ort.SeededInputs;
import dev.yard.backend.tvm.TvmPreparation;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
     * Each image as the session's single input, by name, one map per image, resized to the
     * input's shape and normalised; {@code what} names the images in the message when the model
     * has more than one input.
     */
    static List<Map<String, Tensor>> images(
            OrtSession session, List<Path> images, Map<String, String> given, Samples.PixelNorm norm, String what) {
        Map<String, long[]> declared = session.inputShapes();
        if (declared.size() != 1) {
            throw YardException.badInput(what + " images feed models with one input; this one has " + declared.size());
        }
        String name = declared.keySet().iterator().next();
        long[] shape = shape(name, declared.get(name), given);
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (Path p : images) {
            out.add(Map.of(name, Samples.image(p, shape, norm)));
        }
        return out;
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
