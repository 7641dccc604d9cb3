package dev.yard.backend.cost;

import static org.junit.jupiter.api.Assertions.*;

import dev.yard.ir.ElementType;
import dev.yard.ir.YardException;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModels;
import dev.yard.passes.cost.Layer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtCostModelTest {
    @TempDir
    Path cache;

    private static Layer.Conv conv(int in, int out, int h, int k) {
        return new Layer.Conv(
                ElementType.FLOAT,
                1,
                in,
                out,
                h,
                h,
                k,
                k,
                1,
                new int[] {1, 1},
                new int[] {k / 2, k / 2, k / 2, k / 2},
                new int[] {1, 1});
    }

    @Test
    void measuresOnceThenReadsTheCache() {
        OrtCostModel model = new OrtCostModel(2, cache);
        Layer.Conv big = conv(64, 64, 56, 3);
        long t0 = System.nanoTime();
        Cost first = model.layer(big);
        long measuring = System.nanoTime() - t0;
        assertTrue(first.measured());
        assertTrue(first.seconds() > 0 && first.seconds() < 1, first.describe());
        // A fresh model on the same cache (another run of Yard) measures nothing.
        OrtCostModel again = new OrtCostModel(2, cache);
        t0 = System.nanoTime();
        Cost second = again.layer(big);
        long reading = System.nanoTime() - t0;
        assertEquals(first.seconds(), second.seconds(), first.seconds() * 1e-8);
        assertTrue(reading * 10 < measuring, "cached " + reading + " ns, measured " + measuring + " ns");
        // Sixteen times the work takes longer: the figures are latencies, not noise.
        assertTrue(model.layer(conv(256, 256, 56, 3)).seconds() > 2 * first.seconds());
    }

    @Test
    void chainsAreMeasuredAsOneModel() {
        OrtCostModel model = new OrtCostModel(1, cache);
        Layer.Conv a = Layer.Conv.pointwise(ElementType.FLOAT, 1, 64, 16, 28, 28);
        Layer.Conv b = conv(16, 16, 28, 3);
        Layer.Conv c = Layer.Conv.pointwise(ElementType.FLOAT, 1, 16, 64, 28, 28);
        Cost chain = model.chain(List.of(a, b, c));
        assertTrue(chain.measured() && chain.seconds() > 0);
        assertTrue(
                model.cacheFile().toString().contains("-t1"), model.cacheFile().toString());
        YardException e = assertThrows(YardException.class, () -> model.chain(List.of(a, a)));
        assertTrue(e.getMessage().contains("does not read what the one before writes"), e.getMessage());
    }

    @Test
    void concurrentWritersLeaveAReadableCache() throws Exception {
        Path file = cache.resolve("costs/t.tsv");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> jobs = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            // Separate caches on one file, as separate processes would have.
            jobs.add(pool.submit(() -> {
                TimingCache c = new TimingCache(file);
                for (int i = 0; i < 200; i++) {
                    c.put("w" + writer + " k" + i, writer + i * 1e-6);
                }
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        pool.shutdown();
        // A process killed mid-line leaves a torn last line: ignored, everything else read.
        Files.writeString(file, "1.0e-3\ttorn", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        TimingCache read = new TimingCache(file);
        for (int w = 0; w < 4; w++) {
            for (int i = 0; i < 200; i++) {
                assertEquals(w + i * 1e-6, read.get("w" + w + " k" + i), 1e-15);
            }
        }
        assertNull(read.get("torn"));
    }

    @Test
    void foundByNameWithArguments() {
        assertEquals("ort:threads=1", CostModels.create("ort:threads=1").name());
        for (String bad : new String[] {"ort:threads=0", "ort:threads=x", "ort:speed=9"}) {
            YardException e = assertThrows(YardException.class, () -> CostModels.create(bad));
            assertTrue(e.isBadInput() && e.getMessage().startsWith("--cost-model ort"), e.getMessage());
        }
    }
}
