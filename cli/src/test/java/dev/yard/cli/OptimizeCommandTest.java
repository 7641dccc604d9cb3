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
        BadInputTest.Outcome o = BadInputTest.yard(
                "optimize", "--no-measure", "--pipeline", "dce", "--print-after-all", "-o", out.toString());
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
        java.awt.image.BufferedImage img =
                new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | ((x + y) & 1) * 255);
            }
        }
        Path picture = dir.resolve("picture.png");
        javax.imageio.ImageIO.write(img, "png", picture.toFile());
        BadInputTest.Outcome o = BadInputTest.yard(
                "optimize",
                model.toString(),
                "--input-shape",
                "x=1,3,64,64",
                "--no-latency",
                "--sample",
                picture.toString(),
                "--sample",
                picture.toString(),
                "--pixel-norm",
                "128,256",
                "--pipeline",
                "decompose{rank=0.5},dce");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("rel. L2 error (2 images)"), o.out());
        o = BadInputTest.yard(
                "optimize",
                model.toString(),
                "--input-shape",
                "x=1,3,64,64",
                "--sample",
                dir.resolve("missing.png").toString());
        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("missing.png: no such file"), o.err());
    }

    @Test
    void costModelsDecideWhatIsDecomposed() {
        // MAC counts see savings in every LeNet layer and select-ranks takes some; the AVX2
        // roofline (the default) prices most chains above the dense layers, as ONNX Runtime
        // measures them, and what is left breaks the built-in budget of no digit lost.
        BadInputTest.Outcome macs = BadInputTest.yard("optimize", "--no-measure", "--cost-model", "macs");
        assertEquals(0, macs.exit(), macs.err());
        assertTrue(macs.out().contains("select-ranks     changed the graph"), macs.out());
        BadInputTest.Outcome roofline = BadInputTest.yard("optimize", "--no-measure");
        assertEquals(0, roofline.exit(), roofline.err());
        assertTrue(roofline.out().contains("cost model analytic:x86-64-avx2"), roofline.out());
        assertTrue(roofline.out().contains("budget digits>=1 on the 31 odd-numbered digits"), roofline.out());
        assertTrue(roofline.out().contains("select-ranks     no change"), roofline.out());
        assertTrue(roofline.out().contains("kept dense: each candidate tried broke the budget"), roofline.out());
    }

    @Test
    void aResultPricedAboveTheInputIsDropped() {
        // force emits chains whatever they cost; the check after the pipeline keeps the input.
        BadInputTest.Outcome o = BadInputTest.yard(
                "optimize", "--no-measure", "--pipeline", "decompose{method=tucker2 rank=0.5 force=true},dce");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("kept the input: analytic:x86-64-avx2 predicts"), o.out());
        assertTrue(o.out().matches("(?s).*\nMACs +480,500 +480,500 .*"), o.out());
    }

    @Test
    void aMeasuredCostModelTimesTheWholeResult() {
        // Forced chains on LeNet add three convs of overhead each: ort times both whole models
        // (not the sum of their layers) and keeps the input.
        BadInputTest.Outcome o = BadInputTest.yard(
                "optimize",
                "--no-measure",
                "--cost-model",
                "ort",
                "--pipeline",
                "decompose{method=tucker2 rank=0.5 force=true},dce");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("kept the input: ort:threads=2 predicts"), o.out());
        assertTrue(o.out().matches("(?s).*\nMACs +480,500 +480,500 .*"), o.out());
    }

    @Test
    void rankSelectionKeepsTheModelWithinItsBudget() throws Exception {
        // MAC counts see a saving in every layer; the budget decides which survive, judged on
        // the 31 digits calibration never sees.
        Path report = dir.resolve("report");
        BadInputTest.Outcome o = BadInputTest.yard(
                "optimize", "--budget", "0.1", "--cost-model", "macs", "--no-latency", "--report", report.toString());
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("pipeline fold-constants,fold-batchnorm,select-ranks,fuse-1x1,dce"), o.out());
        assertTrue(o.out().contains("budget 0.1 on the 31 odd-numbered digits"), o.out());
        java.util.regex.Matcher chosen = java.util.regex.Pattern.compile("select-ranks: (\\d) of 4 layers decomposed")
                .matcher(o.out());
        assertTrue(chosen.find() && Integer.parseInt(chosen.group(1)) >= 1, o.out());
        com.google.gson.JsonObject sel = com.google.gson.JsonParser.parseString(
                        Files.readString(report.resolve("report.json")))
                .getAsJsonObject()
                .getAsJsonObject("passes")
                .getAsJsonObject("select-ranks");
        assertEquals("rel-l2<=0.1", sel.get("budget").getAsString());
        assertTrue(sel.getAsJsonObject("chosen_model").get("rel-l2").getAsDouble() <= 0.1, sel.toString());
        for (var layer : sel.getAsJsonArray("layers")) {
            var candidates = layer.getAsJsonObject().getAsJsonArray("candidates");
            for (var c : candidates) {
                var cand = c.getAsJsonObject();
                double error = cand.get("error").getAsDouble();
                double saving = cand.get("saving_seconds").getAsDouble();
                assertTrue(error >= 0 && saving > 0, cand.toString());
                // The front: no other candidate of the layer saves more at less error; only a point on it is chosen.
                boolean dominated = false;
                for (var d : candidates) {
                    var o2 = d.getAsJsonObject();
                    double e2 = o2.get("error").getAsDouble();
                    double s2 = o2.get("saving_seconds").getAsDouble();
                    dominated |= s2 >= saving && e2 <= error && (s2 > saving || e2 < error);
                }
                assertEquals(!dominated, cand.get("on_front").getAsBoolean(), cand.toString());
                assertTrue(
                        !cand.get("chosen").getAsBoolean()
                                || cand.get("on_front").getAsBoolean(),
                        cand.toString());
            }
        }
        // Every accepted trial met the budget, every refused one broke it; the last verified the
        // choice on every evaluation input.
        int refused = 0;
        var trials = sel.getAsJsonArray("trials");
        for (var t : trials) {
            var trial = t.getAsJsonObject();
            boolean met = trial.getAsJsonObject("model").get("budget_used").getAsDouble() <= 1;
            assertEquals(trial.get("accepted").getAsBoolean(), met, trial.toString());
            if (!met) {
                refused++;
            }
        }
        assertTrue(refused > 0, "the most aggressive candidates must break a budget of 0.1: " + sel);
        // The search starts with the Lagrangian sweep: whole models of one or more layers, the
        // point taken verified on every input before the greedy steps go on from it.
        assertEquals("lagrangian", trials.get(0).getAsJsonObject().get("kind").getAsString(), trials.toString());
        boolean startVerified = false;
        for (var t : trials) {
            var trial = t.getAsJsonObject();
            if (!trial.get("kind").getAsString().startsWith("lagrangian")) {
                continue;
            }
            assertTrue(trial.get("layers").getAsInt() >= 1, trial.toString());
            startVerified |= trial.get("kind").getAsString().equals("lagrangian, verified")
                    && trial.get("accepted").getAsBoolean();
        }
        assertTrue(startVerified, trials.toString());
        var last = trials.get(trials.size() - 1).getAsJsonObject();
        assertEquals("verified", last.get("kind").getAsString());
        assertTrue(last.get("accepted").getAsBoolean(), last.toString());
        // The same command writes the same report.
        Path again = dir.resolve("again");
        BadInputTest.yard(
                "optimize", "--budget", "0.1", "--cost-model", "macs", "--no-latency", "--report", again.toString());
        assertEquals(Files.readString(report.resolve("report.json")), Files.readString(again.resolve("report.json")));
        // A pipeline without select-ranks has nothing to spend a budget on.
        BadInputTest.Outcome bad =
                BadInputTest.yard("optimize", "--budget", "0.1", "--pipeline", "dce", "--no-measure");
        assertEquals(2, bad.exit(), bad.err());
    }

    @Test
    void fitsAreKeptForTheNextRunOfTheSameModelAndData() throws Exception {
        Path cache = dir.resolve("cache");
        String before = System.getProperty("yard.cache");
        System.setProperty("yard.cache", cache.toString());
        try {
            String[] args = {
                "optimize", "--budget", "0.1", "--cost-model", "macs", "--no-latency", "--report", "", "-o", ""
            };
            BadInputTest.Outcome first = optimize(args, "first");
            assertEquals(0, first.exit(), first.err());
            assertTrue(!first.out().contains("read from an earlier run"), first.out());
            java.util.List<Path> kept;
            try (var files = Files.list(cache.resolve("fits"))) {
                kept = files.toList();
            }
            assertEquals(1, kept.size(), kept.toString());

            // The second run reads them instead of calibrating and fitting, to the same bytes.
            BadInputTest.Outcome second = optimize(args, "second");
            assertEquals(0, second.exit(), second.err());
            assertTrue(second.out().contains("every candidate's fit read from an earlier run"), second.out());
            assertSameResult("first", "second");

            // A damaged file is fitted again, with a note, and written anew.
            Files.write(kept.get(0), new byte[] {1, 2, 3});
            BadInputTest.Outcome third = optimize(args, "third");
            assertEquals(0, third.exit(), third.err());
            assertTrue(third.out().contains("fitting again"), third.out());
            assertSameResult("first", "third");
            assertTrue(Files.size(kept.get(0)) > 3);

            // Another budget searches the same fits again.
            String[] looser = args.clone();
            looser[2] = "0.2";
            BadInputTest.Outcome other = optimize(looser, "looser");
            assertEquals(0, other.exit(), other.err());
            assertTrue(
                    other.out().contains("read from an earlier run"),
                    "the budget is not part of the fits: " + other.out());
        } finally {
            if (before == null) {
                System.clearProperty("yard.cache");
            } else {
                System.setProperty("yard.cache", before);
            }
        }
    }

    private BadInputTest.Outcome optimize(String[] args, String tag) {
        String[] a = args.clone();
        a[7] = dir.resolve(tag).toString();
        a[9] = dir.resolve(tag + ".onnx").toString();
        return BadInputTest.yard(a);
    }

    private void assertSameResult(String a, String b) throws Exception {
        assertEquals(
                Files.readString(dir.resolve(a).resolve("report.json")),
                Files.readString(dir.resolve(b).resolve("report.json")));
        assertTrue(
                java.util.Arrays.equals(
                        Files.readAllBytes(dir.resolve(a + ".onnx")), Files.readAllBytes(dir.resolve(b + ".onnx"))),
                a + " and " + b + " wrote different models");
    }

    @Test
    void probedSensitivitiesWeighEachLayerByItsEffectAtTheOutputs() throws Exception {
        Path report = dir.resolve("probe");
        BadInputTest.Outcome o = BadInputTest.yard(
                "optimize",
                "--budget",
                "0.1",
                "--cost-model",
                "macs",
                "--no-latency",
                "--pipeline",
                "fold-constants,fold-batchnorm,select-ranks{sensitivity=probe},fuse-1x1,dce",
                "--report",
                report.toString());
        assertEquals(0, o.exit(), o.err());
        com.google.gson.JsonObject sel = com.google.gson.JsonParser.parseString(
                        Files.readString(report.resolve("report.json")))
                .getAsJsonObject()
                .getAsJsonObject("passes")
                .getAsJsonObject("select-ranks");
        assertTrue(sel.getAsJsonObject("chosen_model").get("rel-l2").getAsDouble() <= 0.1, sel.toString());
        // Every candidate of a layer with a front carries the layer's one weight, positive; the
        // layers do not all weigh the same.
        java.util.Set<Double> weights = new java.util.TreeSet<>();
        for (var layer : sel.getAsJsonArray("layers")) {
            Double w = null;
            boolean front = false;
            for (var c : layer.getAsJsonObject().getAsJsonArray("candidates")) {
                var cand = c.getAsJsonObject();
                front |= cand.get("on_front").getAsBoolean();
                double s = cand.has("sensitivity") ? cand.get("sensitivity").getAsDouble() : 1;
                assertTrue(s > 0, cand.toString());
                if (w == null) {
                    w = s;
                }
                assertEquals(w, s, 0, layer.toString());
            }
            if (front) {
                weights.add(w);
            }
        }
        assertTrue(weights.size() > 1, "one weight for every layer: " + weights);
    }

    @Test
    void aSpeedupStopsTheSearchOnceReached() {
        BadInputTest.Outcome o =
                BadInputTest.yard("optimize", "--speedup", "1.25", "--cost-model", "macs", "--no-latency");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("select-ranks{speedup=1.25}"), o.out());
        java.util.regex.Matcher macs =
                java.util.regex.Pattern.compile("\nMACs +([0-9,]+) +([0-9,]+) ").matcher(o.out());
        assertTrue(macs.find(), o.out());
        double before = Double.parseDouble(macs.group(1).replace(",", ""));
        double after = Double.parseDouble(macs.group(2).replace(",", ""));
        // MAC counts are the cost model here, so the predicted speed-up is the MAC ratio.
        assertTrue(before / after >= 1.25, "reaches the speed-up asked: " + o.out());
        assertTrue(o.out().contains("kept dense: the 1.25x speed-up asked was reached without it"), o.out());
        for (String[] bad : new String[][] {{"--speedup", "0.9"}, {"--speedup", "1.5", "--pipeline", "select-ranks"}}) {
            String[] args = new String[bad.length + 2];
            args[0] = "optimize";
            System.arraycopy(bad, 0, args, 1, bad.length);
            args[args.length - 1] = "--no-measure";
            BadInputTest.Outcome b = BadInputTest.yard(args);
            assertEquals(2, b.exit(), String.join(" ", bad) + ": " + b.err());
        }
    }

    @Test
    void anImpossibleBudgetKeepsTheInputAndSaysWhy() {
        BadInputTest.Outcome o =
                BadInputTest.yard("optimize", "--budget", "rel-l2<=0", "--cost-model", "macs", "--no-latency");
        assertEquals(0, o.exit(), o.err());
        assertTrue(
                o.out().contains("select-ranks: kept the input: every candidate broke the budget rel-l2<=0"), o.out());
        assertTrue(o.out().contains("gave rel-l2 "), "it says what each candidate scored: " + o.out());
        assertTrue(o.out().matches("(?s).*\nMACs +480,500 +480,500 .*"), o.out());
    }

    @Test
    void badBudgetsAndEvaluationFoldersAreBadInput() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        for (String[] c : new String[][] {
            {"--budget", "iou<=0.5", "iou is an agreement, bounded from below"},
            {"--budget", "nosuch>=1", "unknown metric 'nosuch'"},
            {"--budget", "rel-l2:nosuch<=0.1", "no output 'nosuch'"},
            {"--eval", empty.toString(), "holds no images"},
            {"--eval", dir.resolve("missing").toString(), "not a folder"},
            {"--calibration", dir.resolve("missing").toString(), "is not auto, none, random or a folder of images"},
            {"--calibration", empty.toString(), "holds no images"}
        }) {
            BadInputTest.Outcome o = BadInputTest.yard("optimize", c[0], c[1], "--cost-model", "macs", "--no-measure");
            assertEquals(2, o.exit(), String.join(" ", c) + ": " + o.out() + o.err());
            assertTrue(o.err().contains(c[2]), String.join(" ", c) + ": " + o.err());
            assertEquals(1, o.err().strip().lines().count(), o.err());
        }
    }

    @Test
    void costPricesEveryLayer() {
        BadInputTest.Outcome o = BadInputTest.yard("cost", "--cost-model", "macs", "--json");
        assertEquals(0, o.exit(), o.err());
        com.google.gson.JsonObject j =
                com.google.gson.JsonParser.parseString(o.out()).getAsJsonObject();
        assertEquals(4, j.getAsJsonArray("layers").size());
        assertEquals(480_500 / 1e9, j.get("total_seconds").getAsDouble(), 1e-15);
        BadInputTest.Outcome table = BadInputTest.yard("cost", "--cost-model", "analytic:ascend-310");
        assertEquals(0, table.exit(), table.err());
        assertTrue(
                table.out().contains("conv float n1 c10->20 h12w12 k5x5")
                        && table.out().contains("estimated"),
                table.out());
    }

    @Test
    void badCostModelsAreBadInput() {
        for (String bad :
                new String[] {"nosuch", "ort:threads=0", "analytic:no-such-target", "analytic:/missing/t.json"}) {
            BadInputTest.Outcome o = BadInputTest.yard("cost", "--cost-model", bad);
            assertEquals(2, o.exit(), bad + ": " + o.err());
            assertEquals(1, o.err().strip().lines().count(), o.err());
        }
    }
}
