package dev.yard.backend.tvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.ort.SeededInputs;
import dev.yard.backend.tvm.emit.RelaxEmitter;
import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.backend.tvm.ffi.TvmModel;
import dev.yard.ir.ElementType;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import dev.yard.ir.text.OnnxTextReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code yard tune}'s engine: MetaSchedule records for a model's workloads, resumed rather
 * than repeated, and applied by the next build with the same results as ONNX Runtime.
 */
class TvmTuneTest {
    @TempDir
    Path tmp;

    /** A 3x3 convolution with a bias, then ReLU: one fused workload with a weight to prepack. */
    private static Model convRelu() {
        Model m = parseConvRelu();
        TvmPreparation.prepare(m, Map.of());
        return m;
    }

    private static Model parseConvRelu() {
        SplittableRandom r = new SplittableRandom(3);
        String w = IntStream.range(0, 16 * 8 * 9)
                .mapToObj(i -> String.format(Locale.ROOT, "%.4f", r.nextDouble(-0.5, 0.5)))
                .collect(Collectors.joining(", "));
        String b = IntStream.range(0, 16)
                .mapToObj(i -> String.format(Locale.ROOT, "%.4f", r.nextDouble(-0.5, 0.5)))
                .collect(Collectors.joining(", "));
        return OnnxTextReader.parse(
                "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                        + "g (float[1,8,16,16] x) => (float[1,16,16,16] y)\n"
                        + "<float[16,8,3,3] w = {" + w + "}, float[16] b = {" + b + "}> {\n"
                        + "   c = Conv <pads = [1, 1, 1, 1]> (x, w, b)\n"
                        + "   y = Relu (c)\n"
                        + "}\n",
                "conv_relu.onnxtxt");
    }

    @Test
    void tuningResumesFromItsRecordsAndTheNextBuildAppliesThem() {
        Model model = convRelu();
        RelaxModule module = RelaxEmitter.emit(model);
        TvmToolchain tc = TvmToolchain.locate().withRecords(tmp.resolve("records"));

        TvmToolchain.Built untuned = tc.build(module, tmp.resolve("untuned"), TvmToolchain.HOST_TARGET);
        assertEquals(0, untuned.tuned());
        RelaxModule other = RelaxEmitter.emit(OnnxTextReader.parse("""
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[3,5] x) => (float[3,5] y) {
                   y = Sigmoid (x)
                }
                """, "sigmoid.onnxtxt"));
        tc.build(other, tmp.resolve("other"), TvmToolchain.HOST_TARGET);
        assertTrue(untuned.workloads() >= 1, "workloads: " + untuned.workloads());

        List<int[]> progress = new ArrayList<>();
        TvmToolchain.TunedWorkload conv = null;
        TvmToolchain.TuneSummary first = tc.tune(
                module,
                tmp.resolve("first"),
                TvmToolchain.HOST_TARGET,
                new TvmToolchain.TuneOptions(8, null, 2, 0),
                (done, total) -> progress.add(new int[] {done, total}));
        assertFalse(first.workloads().isEmpty());
        conv = first.workloads().get(0);
        assertTrue(conv.name().contains("conv2d"), "largest workload first: " + conv.name());
        assertEquals(0, conv.before());
        assertTrue(conv.trials() >= 8, "trials: " + conv.trials());
        assertTrue(conv.bestSeconds() != null && conv.bestSeconds() > 0, "best: " + conv.bestSeconds());
        int[] last = progress.get(progress.size() - 1);
        assertEquals(last[1], last[0], "progress ends at its total");
        assertTrue(Files.exists(first.database().resolve("database_tuning_record.json")));

        progress.clear();
        TvmToolchain.TuneSummary second = tc.tune(
                module,
                tmp.resolve("second"),
                TvmToolchain.HOST_TARGET,
                new TvmToolchain.TuneOptions(8, null, 2, 0),
                (done, total) -> progress.add(new int[] {done, total}));
        for (TvmToolchain.TunedWorkload w : second.workloads()) {
            assertEquals(w.trials(), w.before(), "nothing tuned again: " + w);
        }
        assertEquals(0, progress.get(progress.size() - 1)[1]);

        long start = System.nanoTime();
        assertEquals(
                0,
                tc.build(other, tmp.resolve("other2"), TvmToolchain.HOST_TARGET).tuned());
        assertTrue(
                System.nanoTime() - start < 1_000_000_000L,
                "records of another model's workloads leave a cached library as it was");
        TvmToolchain.Built tuned = tc.build(module, tmp.resolve("tuned"), TvmToolchain.HOST_TARGET);
        assertEquals(tuned.workloads(), tuned.tuned(), "every workload has records");
        Tensor x = SeededInputs.uniform(ElementType.FLOAT, new long[] {1, 8, 16, 16}, new SplittableRandom(7), -1);
        float[] expected;
        try (OrtSession ort = OrtSession.of(model, 1)) {
            expected = ort.run(Map.of("x", x)).values().iterator().next().toFloatArray();
        }
        for (TvmToolchain.Built b : List.of(untuned, tuned)) {
            float[] got;
            try (TvmModel tm = TvmModel.load(tc.runtime(), b.library())) {
                got = tm.run(List.of(x)).get(0).toFloatArray();
            }
            double num = 0;
            double den = 0;
            for (int i = 0; i < got.length; i++) {
                num += (got[i] - expected[i]) * (double) (got[i] - expected[i]);
                den += expected[i] * (double) expected[i];
            }
            assertTrue(Math.sqrt(num / den) <= 1e-5, "rel. L2 " + Math.sqrt(num / den) + " of " + b);
        }
    }

    @Test
    void aForeignTargetOrABadBudgetIsRefusedBeforeTuning() {
        RelaxModule module = RelaxEmitter.emit(convRelu());
        TvmToolchain tc = TvmToolchain.locate().withRecords(tmp.resolve("records"));
        YardException e = assertThrows(
                YardException.class,
                () -> tc.tune(
                        module,
                        tmp.resolve("arm"),
                        "arm64-cortex-a76",
                        new TvmToolchain.TuneOptions(8, null, 2, 0),
                        (d, t) -> {}));
        assertTrue(e.isBadInput());
        assertTrue(e.getMessage().contains("is a target for aarch64"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("records")), "no records folder for a refused run");
        assertThrows(YardException.class, () -> new TvmToolchain.TuneOptions(0, null, 2, 0));
        assertThrows(YardException.class, () -> new TvmToolchain.TuneOptions(8, -1.0, 2, 0));
        assertThrows(YardException.class, () -> new TvmToolchain.TuneOptions(8, null, 0, 0));
    }
}
