package dev.yard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.api.internal.Models;
import dev.yard.backend.ort.OrtSession;
import dev.yard.ir.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real models through {@code yard convert}: ONNX Runtime must give bit-identical outputs for
 * the original and for Yard's output, on the same seeded inputs.
 */
class RealModelsTest {
    @TempDir
    Path work;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("lenet-mnist", "classpath:" + Models.DEFAULT_MODEL_RESOURCE, new long[] {2, 1, 28, 28}),
                Arguments.of(
                        "ppocr-v3-det", "classpath:models/ch_PP-OCRv3_det_infer.onnx", new long[] {1, 3, 320, 320}),
                Arguments.of("ppocr-v3-rec", "classpath:models/ch_PP-OCRv3_rec_infer.onnx", new long[] {1, 3, 48, 320}),
                Arguments.of(
                        "ppocr-v4-det", "classpath:models/ch_PP-OCRv4_det_infer.onnx", new long[] {1, 3, 320, 320}),
                Arguments.of("ppocr-v4-rec", "classpath:models/ch_PP-OCRv4_rec_infer.onnx", new long[] {1, 3, 48, 320}),
                Arguments.of(
                        "ppocr-cls", "classpath:models/ch_ppocr_mobile_v2.0_cls_infer.onnx", new long[] {1, 3, 48, 192
                        }),
                Arguments.of("isnet-medium", "cache:models/isnet-medium.onnx", new long[] {1, 3, 1024, 1024}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void convertedModelGivesIdenticalOutputs(String name, String where, long[] inputShape) throws IOException {
        Path original = materialize(name, where);
        Path converted = work.resolve(name + ".yard.onnx");
        StringWriter err = new StringWriter();
        int code = Main.run(
                new String[] {"convert", original.toString(), "-o", converted.toString()},
                new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertSameOutputs(original, converted, inputShape);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void textRoundTripGivesIdenticalOutputs(String name, String where, long[] inputShape) throws IOException {
        Path original = materialize(name, where);
        Path text = work.resolve(name + ".onnxtxt");
        Path back = work.resolve(name + ".fromtext.onnx");
        StringWriter err = new StringWriter();
        assertEquals(
                0,
                Main.run(
                        new String[] {"convert", original.toString(), "-o", text.toString()},
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err)),
                err.toString());
        assertEquals(
                0,
                Main.run(
                        new String[] {"convert", text.toString(), "-o", back.toString()},
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err)),
                err.toString());
        assertSameOutputs(original, back, inputShape);
    }

    /** The smallest and the largest model, for the external-data path. */
    static Stream<Arguments> externalModels() {
        return models().filter(a -> a.get()[0].equals("lenet-mnist") || a.get()[0].equals("isnet-medium"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("externalModels")
    void externalDataRoundTrip(String name, String where, long[] inputShape) throws IOException {
        Path original = materialize(name, where);
        Path converted = work.resolve("ext/" + name + ".onnx");
        Files.createDirectories(converted.getParent());
        StringWriter err = new StringWriter();
        int code = Main.run(
                new String[] {"convert", original.toString(), "-o", converted.toString(), "--external-data"},
                new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertEquals(0, code, err.toString());
        Path data = converted.resolveSibling(name + ".onnx.data");
        assertTrue(Files.size(data) > Files.size(converted), "weights should sit in " + data);
        assertSameOutputs(original, converted, inputShape);
        // Reading the external-data model back and writing it inline gives the same model again.
        Path inline = work.resolve(name + ".inline.onnx");
        assertEquals(
                0,
                Main.run(
                        new String[] {"convert", converted.toString(), "-o", inline.toString()},
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err)),
                err.toString());
        assertSameOutputs(original, inline, inputShape);
    }

    @org.junit.jupiter.api.Test
    void writingInlineOverAnExternalDataModelRemovesItsOldData() throws IOException {
        Path original = materialize("lenet-mnist", "classpath:" + Models.DEFAULT_MODEL_RESOURCE);
        Path model = work.resolve("inplace/lenet.onnx");
        Path data = model.resolveSibling("lenet.onnx.data");
        Files.createDirectories(model.getParent());
        StringWriter err = new StringWriter();
        assertEquals(
                0,
                Main.run(
                        new String[] {"convert", original.toString(), "-o", model.toString(), "--external-data"},
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err)),
                err.toString());
        assertTrue(Files.exists(data));
        // In place: the model's own weights are read from the data file the write replaces.
        assertEquals(
                0,
                Main.run(
                        new String[] {
                            "optimize",
                            model.toString(),
                            "-o",
                            model.toString(),
                            "--pipeline",
                            "fold-constants,dce",
                            "--no-measure"
                        },
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err)),
                err.toString());
        assertFalse(Files.exists(data), "the inline model left its old external data behind");
        assertSameOutputs(original, model, new long[] {1, 1, 28, 28});

        // A data file the replaced model did not refer to is the user's, and stays.
        Files.write(data, new byte[] {1, 2, 3});
        assertEquals(
                0,
                Main.run(
                        new String[] {"convert", original.toString(), "-o", model.toString()},
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err)),
                err.toString());
        assertTrue(Files.exists(data), "a data file the old model did not use was deleted");
    }

    /** Runs both models on the same seeded input of {@code inputShape}; outputs must be bit-identical. */
    static void assertSameOutputs(Path original, Path converted, long[] inputShape) throws IOException {
        try (OrtSession a = OrtSession.of(original, 2);
                OrtSession b = OrtSession.of(converted, 2)) {
            Map<String, long[]> shapes = a.inputShapes();
            assertEquals(1, shapes.size(), "these models have one input");
            Map<String, Tensor> inputs =
                    randomInputs(Map.of(shapes.keySet().iterator().next(), inputShape), 42);
            Map<String, Tensor> ya = a.run(inputs);
            Map<String, Tensor> yb = b.run(inputs);
            assertEquals(ya.keySet(), yb.keySet());
            assertFalse(ya.isEmpty());
            for (String k : ya.keySet()) {
                assertTrue(ya.get(k).contentEquals(yb.get(k)), "output " + k + " differs");
            }
        }
    }

    /** Seeded inputs in [0, 1). */
    static Map<String, Tensor> randomInputs(Map<String, long[]> shapes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] s = e.getValue().clone();
            int n = 1;
            for (long d : s) {
                n *= (int) d;
            }
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) r.nextDouble();
            }
            m.put(e.getKey(), Tensor.ofFloats(s, v));
        }
        return m;
    }

    private Path materialize(String name, String where) throws IOException {
        return TestEnvironment.materialize(work, name, where);
    }
}
