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
        TvmCostModel model = new TvmCostModel(TvmToolchain.locate(), TvmToolchain.HOST_TARGET, cache);
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
        Cost again = new TvmCostModel(TvmToolchain.locate(), TvmToolchain.HOST_TARGET, cache).layer(dense);
        assertEquals(d.seconds(), again.seconds(), d.seconds() * 1e-8, "a second model must read the cache");
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "reading the cache must not build");
    }
}
