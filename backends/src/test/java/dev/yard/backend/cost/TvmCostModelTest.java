package dev.yard.backend.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.ir.ElementType;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.Layer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Times a dense 3x3 conv and its Tucker-2 chain with TVM; a second model on the same cache measures nothing. */
class TvmCostModelTest {
    @TempDir
    Path cache;

    @Test
    void timesAndCachesLayers() {
        TvmCostModel model = new TvmCostModel(TvmToolchain.locate(), TvmToolchain.HOST_TARGET, 0, cache);
        Layer.Conv dense = new Layer.Conv(
                ElementType.FLOAT, 1, 32, 32, 28, 28, 3, 3, 1, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1
                });
        List<Layer> tucker = List.of(
                Layer.Conv.pointwise(ElementType.FLOAT, 1, 32, 8, 28, 28),
                new Layer.Conv(
                        ElementType.FLOAT,
                        1,
                        8,
                        8,
                        28,
                        28,
                        3,
                        3,
                        2,
                        new int[] {1, 1},
                        new int[] {1, 1, 1, 1},
                        new int[] {1, 1}),
                Layer.Conv.pointwise(ElementType.FLOAT, 1, 8, 32, 28, 28));
        Cost d = model.layer(dense);
        Cost t = model.chain(tucker);
        assertTrue(d.measured() && d.seconds() > 0 && t.seconds() > 0, d + " " + t);
        long start = System.nanoTime();
        Cost again = new TvmCostModel(TvmToolchain.locate(), TvmToolchain.HOST_TARGET, 0, cache).layer(dense);
        assertEquals(d.seconds(), again.seconds(), d.seconds() * 1e-8, "a second model must read the cache");
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "reading the cache must not build");
    }

    @Test
    void withTrialsEachConfigurationIsTunedFirstAndCachedApart() throws java.io.IOException {
        Path records = cache.resolve("records");
        TvmToolchain tc = TvmToolchain.locate().withRecords(records);
        TvmCostModel tuned = new TvmCostModel(tc, TvmToolchain.HOST_TARGET, 8, cache);
        assertEquals("tvm:trials=8,host", tuned.name());
        Layer.Conv conv = new Layer.Conv(
                ElementType.FLOAT, 1, 16, 16, 14, 14, 3, 3, 1, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1
                });
        Cost c = tuned.layer(conv);
        assertTrue(c.measured() && c.seconds() > 0, c.toString());
        Path database = tc.tuningDatabase(TvmToolchain.HOST_TARGET);
        assertTrue(
                java.nio.file.Files.size(database.resolve("database_tuning_record.json")) > 0,
                "the configuration was tuned into the records");
        try (var files = java.nio.file.Files.list(cache.resolve("costs"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith("-tuned8.tsv")), "its own timing cache");
        }
    }

    @Test
    void trialsMustBeAWholeNumberOfAtLeastOne() {
        var provider = new TvmCostModel.Provider();
        for (String bad : new String[] {"trials=0,host", "trials=x", "trials=-3,host"}) {
            dev.yard.ir.YardException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.yard.ir.YardException.class, () -> provider.create(bad));
            assertTrue(
                    e.isBadInput() && e.getMessage().contains("must be a whole number of at least 1"), e.getMessage());
        }
        assertEquals("tvm:trials=4,host", provider.create("trials=4").name());
    }
}
