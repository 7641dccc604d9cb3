package dev.yard.backend.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SampleStoreTest {
    private static double[] floats(SplittableRandom r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 1e3);
        }
        return x;
    }

    private static long temporaryFolders() throws Exception {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("yard-calibration-"))
                    .count();
        }
    }

    @Test
    void rowsComeBackInOrderWhetherKeptInMemoryOrSpilled() throws Exception {
        long before = temporaryFolders();
        SplittableRandom r = new SplittableRandom(3);
        double[][] a = {floats(r, 700), floats(r, 300), floats(r, 1000)};
        double[][] b = {floats(r, 50), floats(r, 60), floats(r, 70)};
        // 4 KB: the first stream goes to disk during its second chunk, the second stays in memory.
        try (SampleStore store = new SampleStore(4096)) {
            for (int i = 0; i < 3; i++) {
                store.append("a", a[i]);
                store.append("b", b[i]);
            }
            assertEquals(before + 1, temporaryFolders(), "a spill folder while open");
            double[] wantA = concat(a);
            double[] wantB = concat(b);
            assertArrayEquals(wantB, store.take("b"));
            assertArrayEquals(wantA, store.take("a"));
            assertNull(store.take("a"), "taken once");
            assertNull(store.take("c"));
        }
        assertEquals(before, temporaryFolders(), "spilled samples deleted on close");
    }

    @Test
    void aLargeBudgetNeverTouchesTheDisk() throws Exception {
        long before = temporaryFolders();
        try (SampleStore store = new SampleStore(1 << 20)) {
            store.append("x", new double[] {1, 2.5, -3});
            store.append("x", new double[] {4});
            assertEquals(before, temporaryFolders());
            assertArrayEquals(new double[] {1, 2.5, -3, 4}, store.take("x"));
        }
    }

    private static double[] concat(double[][] parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] out = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
