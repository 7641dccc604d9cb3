package dev.yard.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.YardException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API as a user calls it: load, optimize, compare, save, report. */
class OptimizerTest {
    @TempDir
    Path dir;

    /** LeNet priced by MACs under a loose budget: layers are decomposed, the digits kept. */
    private static Optimizer macsUnderLooseBudget() {
        return Optimizer.create().costModel("macs").budget("rel-l2<=0.1");
    }

    @Test
    void optimizesTheBuiltInLeNetAndComparesOnItsDigits() {
        YardModel lenet = YardModel.builtInLeNet();
        List<String> shown = new ArrayList<>();
        Optimization o = macsUnderLooseBudget().progress(shown::add).optimize(lenet);
        assertFalse(o.keptInput());
        assertTrue(o.selectsRanks());
        assertEquals("rel-l2<=0.1", o.budget());
        assertEquals("the 31 even-numbered of the 62 digits", o.calibratedOn());
        assertTrue(o.statsAfter().macs() < o.statsBefore().macs(), o.statsAfter() + " vs " + o.statsBefore());
        assertTrue(o.predictedResult().seconds() < o.predictedInput().seconds());
        assertTrue(
                o.remarks().stream().anyMatch(r -> r.startsWith("select-ranks: ")),
                o.remarks().toString());
        assertEquals(
                List.of("fold-constants", "fold-batchnorm", "select-ranks", "fuse-1x1", "dce"),
                o.passes().stream().map(Optimization.PassRun::pass).toList());
        assertFalse(shown.isEmpty(), "no progress was shown");
        // The input is not changed by optimizing it.
        assertArrayEquals(YardModel.builtInLeNet().toOnnx(), lenet.toOnnx());

        Comparison c = o.compare(false);
        assertNull(c.latency());
        assertEquals(0, c.images());
        assertEquals(62, c.accuracy().of());
        assertEquals(62, c.accuracy().before());
        assertTrue(c.accuracy().after() >= 60, c.accuracy().toString());
        assertEquals(1, c.outputErrors().size());
        double error = c.outputErrors().get(0).relativeL2();
        assertTrue(error > 0 && error < 0.5, "rel. L2 " + error);
    }

    @Test
    void savesAtomicallyAndWritesTheSameBytesTwice() throws Exception {
        Optimization first =
                macsUnderLooseBudget().cacheDir(dir.resolve("cache")).optimize(YardModel.builtInLeNet());
        try (var kept = Files.list(dir.resolve("cache/fits"))) {
            assertEquals(1, kept.count(), "the fits are kept in the cache folder given");
        }
        Optimization second = macsUnderLooseBudget().optimize(YardModel.builtInLeNet());
        Path out = dir.resolve("lenet.onnx");
        first.result().save(out);
        assertArrayEquals(second.result().toOnnx(), Files.readAllBytes(out));
        YardModel back = YardModel.load(out);
        assertEquals(first.statsAfter(), back.stats());
        Path report = first.writeReport(dir.resolve("report"));
        assertEquals(Files.readString(report), Files.readString(second.writeReport(dir.resolve("again"))));
        assertTrue(Files.exists(dir.resolve("report/report.html")));

        // A model that cannot be written (an unknown extension) leaves the old file as it was.
        Path text = dir.resolve("lenet.onnxtxt");
        first.result().save(text);
        byte[] before = Files.readAllBytes(text);
        YardException e = assertThrows(YardException.class, () -> first.result().save(dir.resolve("lenet.bin")));
        assertTrue(e.isBadInput());
        assertArrayEquals(before, Files.readAllBytes(text));
        assertEquals(
                List.of("again", "cache", "lenet.onnx", "lenet.onnxtxt", "report").stream()
                        .sorted()
                        .toList(),
                Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList());
    }

    @Test
    void aResultPricedAboveTheInputIsNotKept() {
        // No rank selection: force emits chains whatever they cost, and the roofline prices them
        // above the dense layers.
        Optimization o = Optimizer.create()
                .pipeline("decompose{method=tucker2 rank=0.5 force=true},dce")
                .calibration("none")
                .optimize(YardModel.builtInLeNet());
        assertTrue(o.keptInput());
        assertEquals(o.predictedInput(), o.predictedResult());
        assertTrue(o.predictedPipelineOutput().seconds() > o.predictedInput().seconds());
        assertEquals(o.statsBefore(), o.statsAfter());
        assertNull(o.calibratedOn());
    }

    @Test
    void badInputNamesTheFileOrOption() throws Exception {
        Path missing = dir.resolve("missing.onnx");
        YardException e = assertThrows(YardException.class, () -> YardModel.load(missing));
        assertTrue(e.isBadInput());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

        Path garbage = Files.writeString(dir.resolve("garbage.onnx"), "not a model");
        e = assertThrows(YardException.class, () -> YardModel.load(garbage));
        assertTrue(e.isBadInput() && e.getMessage().contains("garbage.onnx"), e.getMessage());

        YardModel lenet = YardModel.builtInLeNet();
        e = assertThrows(
                YardException.class,
                () -> Optimizer.create().pipeline("no-such-pass").optimize(lenet));
        assertTrue(e.isBadInput() && e.getMessage().contains("no-such-pass"), e.getMessage());
        e = assertThrows(
                YardException.class, () -> Optimizer.create().budget("iou>>1").optimize(lenet));
        assertTrue(e.isBadInput(), e.getMessage());
        e = assertThrows(
                YardException.class,
                () -> Optimizer.create().costModel("nonsense").optimize(lenet));
        assertTrue(e.isBadInput() && e.getMessage().contains("nonsense"), e.getMessage());
        e = assertThrows(YardException.class, () -> Optimizer.create().threads(0));
        assertTrue(e.isBadInput(), e.getMessage());
        e = assertThrows(
                YardException.class,
                () -> Optimizer.create().calibration(dir.resolve("nowhere")).optimize(lenet));
        assertTrue(e.isBadInput() && e.getMessage().contains("nowhere"), e.getMessage());
        assertNotNull(lenet.stats());
    }
}
