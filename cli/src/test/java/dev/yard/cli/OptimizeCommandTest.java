package dev.yard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptimizeCommandTest {
    @TempDir
    Path dir;

    @Test
    void defaultRunReportsAccuracyAndCounts() {
        BadInputTest.Outcome o = BadInputTest.yard("optimize");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().matches("(?s).*accuracy \\(62 digits\\) +62/62.*"), o.out());
        assertTrue(o.out().contains("parameters") && o.out().contains("MACs"), o.out());
        assertTrue(o.out().contains("ORT latency"), o.out());
    }

    @Test
    void writesTheResultAndPrintsIrAfterPasses() throws Exception {
        Path out = dir.resolve("lenet.onnxtxt");
        BadInputTest.Outcome o = BadInputTest.yard("optimize", "--no-measure", "--pipeline", "dce",
                "--print-after-all", "-o", out.toString());
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("// ----- IR after dce"), o.out());
        assertTrue(Files.readString(out).contains("Conv"), "the written model has its convolutions");
    }

    @Test
    void dynamicInputsNeedAShape() throws Exception {
        Path model = dir.resolve("det.onnx");
        try (var in = getClass().getClassLoader().getResourceAsStream("models/ch_PP-OCRv3_det_infer.onnx")) {
            Files.copy(in, model);
        }
        BadInputTest.Outcome o = BadInputTest.yard("optimize", model.toString());
        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("--input-shape x="), o.err());
        o = BadInputTest.yard("optimize", model.toString(), "--input-shape", "x=1,3,64,64");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("rel. L2 error"), o.out());
    }

    @Test
    void measuresFidelityOnImageSamples() throws Exception {
        Path model = dir.resolve("det.onnx");
        try (var in = getClass().getClassLoader().getResourceAsStream("models/ch_PP-OCRv3_det_infer.onnx")) {
            Files.copy(in, model);
        }
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | ((x + y) & 1) * 255);
            }
        }
        Path picture = dir.resolve("picture.png");
        javax.imageio.ImageIO.write(img, "png", picture.toFile());
        BadInputTest.Outcome o = BadInputTest.yard("optimize", model.toString(), "--input-shape", "x=1,3,64,64",
                "--no-latency", "--sample", picture.toString(), "--sample", picture.toString(), "--pixel-norm", "128,256",
                "--pipeline", "decompose{rank=0.5},dce");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("rel. L2 error (2 images)"), o.out());
        o = BadInputTest.yard("optimize", model.toString(), "--input-shape", "x=1,3,64,64", "--sample",
                dir.resolve("missing.png").toString());
        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("missing.png: no such file"), o.err());
    }

    @Test
    void costModelsDecideWhatIsDecomposed() {
        // MAC counts accept both LeNet chains; the AVX2 roofline (the default) prices them above
        // the dense convs, as ONNX Runtime measures them, and keeps the model as it is.
        BadInputTest.Outcome macs = BadInputTest.yard("optimize", "--no-measure", "--cost-model", "macs");
        assertEquals(0, macs.exit(), macs.err());
        assertTrue(macs.out().contains("decompose        changed the graph"), macs.out());
        BadInputTest.Outcome roofline = BadInputTest.yard("optimize", "--no-measure");
        assertEquals(0, roofline.exit(), roofline.err());
        assertTrue(roofline.out().contains("cost model analytic:x86-64-avx2"), roofline.out());
        assertTrue(roofline.out().contains("decompose        no change"), roofline.out());
        assertTrue(roofline.out().contains("on analytic:x86-64-avx2, not less than the layer's"), roofline.out());
    }

    @Test
    void aResultPricedAboveTheInputIsDropped() {
        // force emits chains whatever they cost; the check after the pipeline keeps the input.
        BadInputTest.Outcome o = BadInputTest.yard("optimize", "--no-measure", "--pipeline",
                "decompose{method=tucker2 rank=0.5 force=true},dce");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("kept the input: analytic:x86-64-avx2 predicts"), o.out());
        assertTrue(o.out().matches("(?s).*\nMACs +480,500 +480,500 .*"), o.out());
    }

    @Test
    void aMeasuredCostModelTimesTheWholeResult() {
        // Forced chains on LeNet add three convs of overhead each: ort times both whole models
        // (not the sum of their layers) and keeps the input.
        BadInputTest.Outcome o = BadInputTest.yard("optimize", "--no-measure", "--cost-model", "ort", "--pipeline",
                "decompose{method=tucker2 rank=0.5 force=true},dce");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("kept the input: ort:threads=2 predicts"), o.out());
        assertTrue(o.out().matches("(?s).*\nMACs +480,500 +480,500 .*"), o.out());
    }

    @Test
    void rankSelectionKeepsTheModelWithinItsBudget() {
        // MAC counts see a saving in every layer; the budget decides which survive, on the 62 digits.
        BadInputTest.Outcome o = BadInputTest.yard("optimize", "--budget", "0.1", "--cost-model", "macs", "--no-latency");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("pipeline fold-constants,fold-batchnorm,select-ranks{budget=0.1},fuse-1x1,dce"), o.out());
        java.util.regex.Matcher chosen = java.util.regex.Pattern.compile("select-ranks: (\\d) of 4 layers decomposed").matcher(o.out());
        assertTrue(chosen.find() && Integer.parseInt(chosen.group(1)) >= 1, o.out());
        assertTrue(o.out().contains("kept dense, every candidate broke the budget"), "some candidate must be refused: " + o.out());
        java.util.regex.Matcher error = java.util.regex.Pattern.compile("rel\\. L2 error +([0-9.e+-]+)").matcher(o.out());
        assertTrue(error.find(), o.out());
        assertTrue(Double.parseDouble(error.group(1)) <= 0.1, "the result must honour the budget: " + o.out());
        // A pipeline without select-ranks has nothing to spend a budget on.
        BadInputTest.Outcome bad = BadInputTest.yard("optimize", "--budget", "0.1", "--pipeline", "dce", "--no-measure");
        assertEquals(2, bad.exit(), bad.err());
    }

    @Test
    void costPricesEveryLayer() {
        BadInputTest.Outcome o = BadInputTest.yard("cost", "--cost-model", "macs", "--json");
        assertEquals(0, o.exit(), o.err());
        com.google.gson.JsonObject j = com.google.gson.JsonParser.parseString(o.out()).getAsJsonObject();
        assertEquals(4, j.getAsJsonArray("layers").size());
        assertEquals(480_500 / 1e9, j.get("total_seconds").getAsDouble(), 1e-15);
        BadInputTest.Outcome table = BadInputTest.yard("cost", "--cost-model", "analytic:ascend-310");
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains("conv float n1 c10->20 h12w12 k5x5") && table.out().contains("estimated"), table.out());
    }

    @Test
    void badCostModelsAreBadInput() {
        for (String bad : new String[] {"nosuch", "ort:threads=0", "analytic:no-such-target", "analytic:/missing/t.json"}) {
            BadInputTest.Outcome o = BadInputTest.yard("cost", "--cost-model", bad);
            assertEquals(2, o.exit(), bad + ": " + o.err());
            assertEquals(1, o.err().strip().lines().count(), o.err());
        }
    }
}
