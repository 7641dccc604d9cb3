package dev.yard.backend.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimingCacheTest {
    @TempDir
    Path dir;

    @Test
    void theRunThatMeasuresUsesWhatLaterRunsRead() {
        Path file = dir.resolve("costs").resolve("t.tsv");
        double measured = 0.0123456789012345;
        double used = new TimingCache(file).put("conv a", measured);
        assertNotEquals(measured, used, "kept to the file's ten digits");
        assertEquals(measured, used, 1e-9 * measured);
        assertEquals(used, new TimingCache(file).get("conv a"), 0, "a later run reads the same double");
    }
}
