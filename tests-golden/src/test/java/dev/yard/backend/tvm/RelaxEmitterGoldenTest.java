package dev.yard.backend.tvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.tvm.emit.RelaxEmitter;
import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.backend.tvm.ffi.TvmModel;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.YardException;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.ir.text.OnnxTextReader;
import dev.yard.junit.GoldenTests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files for the Relax emitter: each small ONNX graph (weights are the inputs whose
 * names start with a capital, filled with seeded random values) is emitted and compared
 * with its {@code .py} golden file; TVM must parse the text and print it back to a
 * structurally equal module; and the built library, run through the Java bindings, must
 * agree with ONNX Runtime. Run with {@code -Dyard.golden.update=true} to rewrite the files.
 */
class RelaxEmitterGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/tvm");

    @TempDir
    Path tmp;

    /** Every {@code NAME.onnxtxt} in the golden folder is a case; its expectation is {@code NAME.py}. */
    static List<String> cases() throws IOException {
        try (var files = Files.list(GOLDEN)) {
            List<String> names = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".onnxtxt"))
                    .map(f -> f.substring(0, f.length() - ".onnxtxt".length()))
                    .sorted()
                    .toList();
            assertFalse(names.isEmpty(), "no cases in " + GOLDEN);
            return names;
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void emitsParsesAndMatchesOnnxRuntime(String name) throws IOException {
        Model model = load(name);
        RelaxModule module = RelaxEmitter.emit(model);
        Path golden = GOLDEN.resolve(name + ".py");
        // The same library and flag as the pass golden files; a missing expectation fails.
        GoldenTests.assertMatchesFile(golden, module.script());
        assertEquals(module.script(), RelaxEmitter.emit(load(name)).script(), "emission is not deterministic");

        TvmToolchain tc = TvmToolchain.locate();
        Path dir = tmp.resolve(name);
        module.write(dir);
        tc.check(dir);
        Path lib = tc.build(module, dir, TvmToolchain.HOST_TARGET).library();

        Map<String, Tensor> feeds = new LinkedHashMap<>();
        List<Tensor> inputs = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(7);
        for (RelaxModule.Port p : module.inputs()) {
            Tensor t = random(p.dims(), r, 1f);
            if (p.dtype() == dev.yard.backend.tvm.ffi.DType.FLOAT16) {
                // An f16 input keeps its type at the module's boundary.
                t = Tensor.ofFloatsAs(dev.yard.ir.ElementType.FLOAT16, p.dims(), t.toFloatArray());
            }
            feeds.put(p.onnxName(), t);
            inputs.add(t);
        }
        List<Tensor> expected;
        try (OrtSession ort = OrtSession.of(model, 1)) {
            expected = new ArrayList<>(ort.run(feeds).values());
        }
        try (TvmModel tvm = TvmModel.load(tc.runtime(), lib)) {
            List<Tensor> actual = tvm.run(inputs);
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < actual.size(); i++) {
                double err = relL2(expected.get(i).toFloatArray(), actual.get(i).toFloatArray());
                assertTrue(err < 1e-3, name + " output " + i + ": relative L2 error " + err);
            }
        }
    }

    @Test
    void unsupportedOpsAreNamed() throws IOException {
        Model m = OnnxTextReader.parse("""
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[1,4] x) => (int64[1,4] y) { a = Unique (x)  y = NonZero (a) }
                """, "inline");
        ShapeInference.infer(m);
        YardException e = assertThrows(YardException.class, () -> RelaxEmitter.emit(m));
        assertTrue(e.getMessage().contains("unsupported ops NonZero, Unique"), e.getMessage());
        assertTrue(e.isBadInput());
    }

    @Test
    void dynamicShapesAreRefused() {
        Model m = OnnxTextReader.parse("""
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[N,4] x) => (float[N,4] y) { y = Relu (x) }
                """, "inline");
        ShapeInference.infer(m);
        YardException e = assertThrows(YardException.class, () -> RelaxEmitter.emit(m));
        assertTrue(e.getMessage().contains("--input-shape"), e.getMessage());
    }

    @Test
    void tvmErrorsSurfaceAsJavaExceptions() throws IOException {
        Model model = load("conv_chain");
        RelaxModule module = RelaxEmitter.emit(model);
        TvmToolchain tc = TvmToolchain.locate();
        Path lib =
                tc.build(module, tmp.resolve("bad"), TvmToolchain.HOST_TARGET).library();
        try (TvmModel tvm = TvmModel.load(tc.runtime(), lib)) {
            Tensor wrong = random(new long[] {1, 8, 9, 10}, new SplittableRandom(1), 1f);
            YardException e = assertThrows(YardException.class, () -> tvm.run(List.of(wrong)));
            assertTrue(e.getMessage().contains("mismatch"), e.getMessage());
        }
    }

    /** Reads a case; inputs named with a capital become seeded random initializers. */
    static Model load(String name) throws IOException {
        String text;
        try (InputStream in = RelaxEmitterGoldenTest.class.getResourceAsStream("/golden/tvm/" + name + ".onnxtxt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Model m = OnnxTextReader.parse(text, name);
        SplittableRandom r = new SplittableRandom(name.hashCode());
        for (Value v : new ArrayList<>(m.graph().inputs())) {
            if (Character.isUpperCase(v.name().charAt(0))) {
                v.setInitializer(random(v.shape().sizes(), r, 0.5f));
                m.graph().inputs().remove(v);
                m.graph().initializers().add(v);
            }
        }
        ShapeInference.inferOrThrow(m);
        return m;
    }

    static Tensor random(long[] dims, SplittableRandom r, float scale) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1) * scale;
        }
        return Tensor.ofFloats(dims, v);
    }

    static double relL2(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        return dev.yard.ir.analysis.RelativeL2.of(expected, actual);
    }
}
