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
        assertTrue(o.out().contains("accuracy (62 digits)                  62/62"), o.out());
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
}
