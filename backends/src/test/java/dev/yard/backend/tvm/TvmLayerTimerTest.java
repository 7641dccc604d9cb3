package dev.yard.backend.tvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Times a dense 3x3 conv and its Tucker-2 chain with TVM; a second call comes from the cache. */
class TvmLayerTimerTest {
    @Test
    void timesAndCachesLayers() {
        TvmLayerTimer timer = new TvmLayerTimer(TvmToolchain.locate(), TvmToolchain.HOST_TARGET);
        TvmLayerTimer.Layer dense = new TvmLayerTimer.Layer(1, 32, 28, 28, List.of(TvmLayerTimer.Conv.square(32, 3, 1)));
        TvmLayerTimer.Layer tucker = new TvmLayerTimer.Layer(1, 32, 28, 28, List.of(
                TvmLayerTimer.Conv.square(8, 1, 1), TvmLayerTimer.Conv.square(8, 3, 2), TvmLayerTimer.Conv.square(32, 1, 1)));
        double d = timer.millis(dense);
        double t = timer.millis(tucker);
        assertTrue(d > 0 && t > 0, d + " " + t);
        assertEquals(d, timer.millis(dense), 0.0, "second call must come from the cache");
    }
}
