package dev.yard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.api.internal.MnistDigits;
import dev.yard.api.internal.Models;
import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.backend.ort.OrtCalibration;
import dev.yard.backend.ort.OrtSession;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.text.OnnxTextReader;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassManager;
import dev.yard.passes.PassRegistry;
import dev.yard.passes.Pipeline;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decomposition pipeline on the trained LeNet and on single layers, run in ONNX Runtime:
 * full-rank chains reproduce the model, decompose then recompose gives the original graph
 * back, reduced ranks lose exactly what the numerical core reported, and EVBMF ranks keep the
 * digits right.
 */
class DecomposeAcceptanceTest {

    static PassManager.Report run(Model m, String pipeline, OrtCalibration calibration) {
        return new PassManager(Pipeline.parse(pipeline, PassRegistry.load()))
                .calibrateWith(calibration)
                .run(m);
    }

    static double relativeL2(Tensor a, Tensor b) {
        return TestEnvironment.relativeL2(a.toFloatArray(), b.toFloatArray());
    }

    static Tensor output(Model m, Map<String, Tensor> inputs) {
        try (OrtSession s = OrtSession.of(OnnxWriter.toBytes(m), 2)) {
            return s.run(inputs).values().iterator().next();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"svd", "tucker2", "cp", "tt"})
    void everyMethodAtFullRankReproducesLeNet(String method) {
        MnistDigits digits = MnistDigits.load();
        Model original = Models.loadDefault();
        Model m = Models.loadDefault();
        Map<String, Tensor> in = Map.of(m.graph().inputs().get(0).name(), digits.images());
        run(m, "decompose{method=" + method + " rank=1.0 force=true},dce", null);
        assertTrue(m.graph().nodes().size() > original.graph().nodes().size(), "chains were emitted");
        double err = relativeL2(output(original, in), output(m, in));
        assertTrue(err < 1e-3, method + ": relative L2 " + err);
    }

    @Test
    void decomposeThenRecomposeGivesTheOriginalGraphBack() {
        MnistDigits digits = MnistDigits.load();
        Model original = Models.loadDefault();
        Model m = Models.loadDefault();
        Map<String, Tensor> in = Map.of(m.graph().inputs().get(0).name(), digits.images());
        run(m, "decompose{method=tucker2 rank=0.5 force=true},recompose,dce", null);
        assertEquals(original.graph().nodes().size(), m.graph().nodes().size());
        assertEquals(
                original.graph().nodes().stream().map(n -> n.opType()).toList(),
                m.graph().nodes().stream().map(n -> n.opType()).toList());
        Model full = Models.loadDefault();
        run(full, "decompose{method=tucker2 rank=1.0 force=true},recompose,dce", null);
        double err = relativeL2(output(original, in), output(full, in));
        assertTrue(err < 1e-4, "full-rank round trip: relative L2 " + err);
    }

    @Test
    void evbmfRanksKeepTheDigitsRight() {
        MnistDigits digits = MnistDigits.load();
        Model m = Models.loadDefault();
        String input = m.graph().inputs().get(0).name();
        OrtCalibration cal = new OrtCalibration(Map.of(input, digits.everyOther()), 4096, 42);
        run(m, "decompose{method=tucker2 rank=evbmf},dce", cal);
        int right = digits.correct(output(m, Map.of(input, digits.images())));
        assertTrue(right >= 61, right + "/62 right");
    }

    @Test
    void calibrationStreamsInputsOneAtATimeAndLayersInGroups() {
        // The 31 digits as one batch, as 31 inputs run one at a time, and with every layer in a
        // group of its own: with every position sampled, the same covariances (up to the order
        // of summation), and grouping does not change a bit.
        MnistDigits digits = MnistDigits.load();
        Model m = Models.loadDefault();
        Models.inferShapes(m);
        String input = m.graph().inputs().get(0).name();
        java.util.List<dev.yard.ir.Node> layers = layers(m);
        float[] all = digits.everyOther().toFloatArray();
        java.util.List<Map<String, Tensor>> one = new java.util.ArrayList<>();
        for (int i = 0; i < all.length / 784; i++) {
            one.add(Map.of(
                    input,
                    Tensor.ofFloats(
                            new long[] {1, 1, 28, 28}, java.util.Arrays.copyOfRange(all, i * 784, (i + 1) * 784))));
        }
        var batch = new OrtCalibration(Map.of(input, digits.everyOther()), 1 << 30, 7).inputCovariances(m, layers);
        var streamed = new OrtCalibration(one, 1 << 30, 7).inputCovariances(m, layers);
        var grouped = new OrtCalibration(one, 1 << 30, 7).activationBudget(1).inputCovariances(m, layers);
        assertEquals(layers.size(), batch.size());
        for (dev.yard.ir.Node n : layers) {
            double[] a = batch.get(n).values();
            double[] b = streamed.get(n).values();
            assertEquals(batch.get(n).samples(), streamed.get(n).samples(), n.name());
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-9 * (1 + Math.abs(a[i])), n.name());
            }
            assertTrue(java.util.Arrays.equals(b, grouped.get(n).values()), n.name());
        }
        // Handed over as each group completes: with a budget of the second conv's samples,
        // covariance and activation (31 inputs x 8 x 8 patches of 250 doubles, 250 x 250
        // doubles, 10 x 12 x 12 floats), the convs alone and both Gemms together: more than one
        // group and fewer than one a layer, each layer in exactly one.
        java.util.List<java.util.Set<dev.yard.ir.Node>> groups = new java.util.ArrayList<>();
        new OrtCalibration(one, 1 << 30, 7)
                .activationBudget(31 * 64 * 250 * 8 + 250 * 250 * 8 + 10 * 12 * 12 * 4)
                .inputCovariances(m, layers, g -> groups.add(java.util.Set.copyOf(g.keySet())));
        assertTrue(groups.size() > 1 && groups.size() < layers.size(), groups.size() + " groups");
        java.util.Set<dev.yard.ir.Node> seen = new java.util.HashSet<>();
        for (var g : groups) {
            for (dev.yard.ir.Node n : g) {
                assertTrue(seen.add(n), n + " in two groups");
            }
        }
        assertEquals(java.util.Set.copyOf(layers), seen);
    }

    @Test
    void pairedCalibrationReadsTheSamePositionsOfBothModels() {
        MnistDigits digits = MnistDigits.load();
        Model m = Models.loadDefault();
        Models.inferShapes(m);
        String input = m.graph().inputs().get(0).name();
        java.util.List<dev.yard.ir.Node> layers = layers(m);
        OrtCalibration cal = new OrtCalibration(Map.of(input, digits.everyOther()), 4096, 7);
        var alone = cal.inputCovariances(m, layers);

        // Paired with itself: what the layers get is what the original gives them, and the
        // weight a sequential fit aims at is the layer's own.
        Map<dev.yard.ir.Node, dev.yard.passes.linalg.InputCovariance> self = new java.util.IdentityHashMap<>();
        cal.pairedCovariances(m, m.copy(), layers, self::putAll);
        assertEquals(layers.size(), self.size());
        for (dev.yard.ir.Node n : layers) {
            var p = self.get(n);
            assertTrue(p.paired(), n.name());
            assertTrue(java.util.Arrays.equals(alone.get(n).values(), p.values()), n.name());
            assertTrue(java.util.Arrays.equals(alone.get(n).mean(), p.originalMean()), n.name());
            if (n.is("Conv")) {
                Tensor w = n.input(1).initializer();
                int[] dims =
                        java.util.Arrays.stream(w.dims()).mapToInt(d -> (int) d).toArray();
                var weight = dev.yard.passes.linalg.DenseTensor.of(dev.yard.passes.numeric.Doubles.of(w), dims);
                double drift = weight.relativeErrorTo(p.target(weight));
                assertTrue(drift < 1e-9, n.name() + ": target moved by " + drift);
            }
        }

        // Paired with a model whose first conv is replaced: the original's samples are the same
        // positions as alone; what the later layers get differs, what the first reads does not.
        Model approximate = Models.loadDefault();
        run(approximate, "decompose{method=tucker2 rank=0.25 layers=9 force=true}", null);
        Map<dev.yard.ir.Node, dev.yard.passes.linalg.InputCovariance> pairs = new java.util.IdentityHashMap<>();
        cal.pairedCovariances(m, approximate, layers, pairs::putAll);
        assertEquals(layers.size(), pairs.size());
        for (dev.yard.ir.Node n : layers) {
            var p = pairs.get(n);
            assertTrue(java.util.Arrays.equals(alone.get(n).mean(), p.originalMean()), n.name());
            boolean first = n == layers.get(0);
            assertEquals(first, java.util.Arrays.equals(alone.get(n).values(), p.values()), n.name());
        }
    }

    @Test
    void sequentialStagesFitLaterLayersOnWhatTheEarlierStagesFeedThem() {
        MnistDigits digits = MnistDigits.load();
        String input = Models.loadDefault().graph().inputs().get(0).name();
        OrtCalibration cal = new OrtCalibration(Map.of(input, digits.everyOther()), 4096, 7);
        Map<Integer, Model> fitted = new java.util.HashMap<>();
        Map<Integer, java.util.List<PassContext.Remark>> remarks = new java.util.HashMap<>();
        for (int stages : new int[] {1, 2}) {
            Model m = Models.loadDefault();
            var report = run(m, "decompose{rank=0.5 force=true stages=" + stages + "},dce", cal);
            fitted.put(stages, m);
            remarks.put(
                    stages,
                    report.remarks().stream()
                            .filter(r -> r.kind() == PassContext.Kind.APPLIED)
                            .toList());
        }
        // Four layers in two stages: the first two fitted alike, the last two on the inputs the
        // first stage's chains give them, and said so.
        assertEquals(4, remarks.get(2).size(), remarks.get(2).toString());
        for (int i = 0; i < 4; i++) {
            boolean later = i >= 2;
            assertEquals(
                    later,
                    remarks.get(2).get(i).message().contains("earlier layers replaced"),
                    remarks.get(2).get(i).toString());
            assertEquals(
                    !later,
                    remarks.get(1).get(i).message().equals(remarks.get(2).get(i).message()),
                    remarks.get(1).get(i) + " / " + remarks.get(2).get(i));
        }
        Map<String, Tensor> in = Map.of(input, digits.images());
        Tensor reference = output(Models.loadDefault(), in);
        for (int stages : new int[] {1, 2}) {
            int right = digits.correct(output(fitted.get(stages), in));
            assertTrue(right >= 55, stages + " stages: " + right + " of 62 digits");
        }
        assertTrue(
                relativeL2(reference, output(fitted.get(2), in)) != relativeL2(reference, output(fitted.get(1), in)));
    }

    /** The layers of LeNet calibration measures: its convs and Gemms. */
    private static java.util.List<dev.yard.ir.Node> layers(Model m) {
        return m.graph().nodes().stream()
                .filter(n -> n.is("Conv") || n.is("Gemm"))
                .toList();
    }

    /** Turns the graph input W into an initializer holding {@code w}. */
    static Model withWeights(Model m, float[] w) {
        var v = m.graph().inputs().remove(1);
        v.setInitializer(Tensor.ofFloats(new long[] {12, 8, 3, 3}, w));
        m.graph().initializers().add(v);
        return m;
    }

    /**
     * One conv with asymmetric pads, stride 2 and dilation 2, decomposed at reduced rank with
     * calibration on the very inputs it is then measured on: the output error ONNX Runtime
     * shows must be the one the numerical core reported (no bias, so the conv is linear).
     */
    @ParameterizedTest
    @ValueSource(strings = {"svd", "tucker2"})
    void reducedRankLosesWhatTheCoreReported(String method) {
        String text = """
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[2,8,13,11] x, float[12,8,3,3] W) => (float[2,12,6,4] y) {
                   y = Conv <pads = [1,0,2,1], strides = [2,2], dilations = [2,2]> (x, W)
                }
                """;
        SplittableRandom r = new SplittableRandom(5);
        float[] w = new float[12 * 8 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        Model m = withWeights(OnnxTextReader.parse(text, "layer"), w);
        // Correlated inputs: a few smooth random fields, so whitening has something to do.
        float[] x = new float[2 * 8 * 13 * 11];
        for (int i = 0; i < x.length; i++) {
            int c = i / (13 * 11) % 8;
            int p = i % (13 * 11);
            x[i] = (float) (Math.sin(0.3 * p + c) + 0.1 * r.nextGaussian());
        }
        Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[] {2, 8, 13, 11}, x));
        Model original = withWeights(OnnxTextReader.parse(text, "layer"), w);
        PassManager.Report report =
                run(m, "decompose{method=" + method + " rank=4 force=true},dce", new OrtCalibration(in, 100_000, 1));
        String remark = report.remarks().stream()
                .filter(k -> k.kind() == PassContext.Kind.APPLIED)
                .map(PassContext.Remark::message)
                .findFirst()
                .orElseThrow();
        Matcher mm =
                Pattern.compile("output error ([0-9.e-]+) on calibration data").matcher(remark);
        assertTrue(mm.find(), remark);
        double reported = Double.parseDouble(mm.group(1));
        double measured = relativeL2(output(original, in), output(m, in));
        assertEquals(reported, measured, 0.002 + 0.01 * reported, remark);
        assertTrue(measured > 0.01, "the rank is low enough to lose something: " + measured);
    }
}
