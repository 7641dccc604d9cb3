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
}
