package dev.yard.passes.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.yard.ir.ElementType;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.Method;
import dev.yard.passes.linalg.RankSelection;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A fit taken from the cache writes the same tensors as the fit put into it, and pruning forgets fits. */
class FitCacheTest {

    @ParameterizedTest
    @EnumSource(
            value = ElementType.class,
            names = {"FLOAT", "FLOAT16"})
    void aCachedFitWritesTheSameTensors(ElementType type) {
        ConvLayer c = ConvChainTest.conv(6, 5, 3, 3).withElementType(type);
        var choice = new Decompose.LayerChoice(Method.TUCKER2, new int[] {3, 2}, null, 1);
        Fit fit = Fit.conv(
                        Method.TUCKER2,
                        c,
                        ConvChain.kernel(c),
                        choice,
                        new RankSelection.Layer(6, 5, 3, 3, 1, 1),
                        1,
                        null,
                        false,
                        false)
                .value();
        FitCache cache = new FitCache();
        String what = FitCache.what("tucker2", new int[] {3, 2}, 1);
        cache.put("conv", what, fit);
        Fit back = cache.conv("conv", what);
        assertEquals(fit.convs().size(), back.convs().size());
        for (int i = 0; i < fit.convs().size(); i++) {
            assertEquals(
                    fit.convs().get(i).weightTensor().digest(),
                    back.convs().get(i).weightTensor().digest(),
                    "conv " + i);
        }
        assertEquals(fit.outputError(), back.outputError(), 0);
        assertEquals(1, cache.size());
        cache.retainOnly("conv", Set.of());
        assertNull(cache.conv("conv", what));
        assertEquals(0, cache.size());
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @ParameterizedTest
    @EnumSource(
            value = ElementType.class,
            names = {"FLOAT", "FLOAT16"})
    void aWrittenCacheReadsBackAndADamagedOneIsRefused(ElementType type) throws Exception {
        ConvLayer c = ConvChainTest.conv(6, 5, 3, 3).withElementType(type);
        Fit fit = Fit.conv(
                        Method.TUCKER2,
                        c,
                        ConvChain.kernel(c),
                        new Decompose.LayerChoice(Method.TUCKER2, new int[] {3, 2}, null, 1),
                        new RankSelection.Layer(6, 5, 3, 3, 1, 1),
                        1,
                        null,
                        false,
                        false)
                .value();
        var factors = new dev.yard.passes.linalg.LowRankFactors(
                dev.yard.passes.linalg.DenseTensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3),
                dev.yard.passes.linalg.DenseTensor.of(new double[] {0.5, -1, 2, 7}, 2, 2),
                new double[0],
                0.25,
                Double.NaN,
                null);
        FitCache cache = new FitCache();
        String what = FitCache.what("tucker2", new int[] {3, 2}, 1);
        cache.put("conv", what, fit);
        cache.put("gemm", "svd [2] 1", factors);
        java.util.Map<String, java.util.Map<String, Double>> errors =
                java.util.Map.of("conv", java.util.Map.of(what, 0.125, "svd [1] 1", Double.NaN));
        java.nio.file.Path file = dir.resolve("fits").resolve("k.bin");
        cache.write(file, errors);

        FitCache back = new FitCache();
        var read = back.read(file);
        assertEquals(errors, read);
        assertEquals(2, back.size());
        Fit f = back.conv("conv", what);
        for (int i = 0; i < fit.convs().size(); i++) {
            assertEquals(
                    fit.convs().get(i).weightTensor().digest(),
                    f.convs().get(i).weightTensor().digest(),
                    "conv " + i);
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    fit.convs().get(i).bias(), f.convs().get(i).bias(), "bias " + i);
        }
        assertEquals(fit.note(), f.note());
        var g = back.factors("gemm", "svd [2] 1");
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                factors.first().data(), g.first().data());
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                factors.last().data(), g.last().data());
        assertEquals(0.25, g.relativeError());

        // Cut short anywhere, longer, or with any byte changed, the file is refused as damaged
        // (an IOException), never read as something else or failed otherwise.
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        java.nio.file.Path damaged = dir.resolve("damaged.bin");
        for (int cut = 0; cut < bytes.length; cut++) {
            java.nio.file.Files.write(damaged, java.util.Arrays.copyOf(bytes, cut));
            org.junit.jupiter.api.Assertions.assertThrows(
                    java.io.IOException.class, () -> new FitCache().read(damaged), "cut at " + cut);
        }
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        java.nio.file.Files.write(damaged, longer);
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> new FitCache().read(damaged));
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int i = 0; i < 2000; i++) {
            byte[] b = bytes.clone();
            int at = r.nextInt(b.length);
            b[at] = (byte) r.nextInt(256);
            if (b[at] == bytes[at]) {
                continue;
            }
            java.nio.file.Files.write(damaged, b);
            org.junit.jupiter.api.Assertions.assertThrows(
                    java.io.IOException.class, () -> new FitCache().read(damaged), "byte " + at + " changed");
        }
    }

    @org.junit.jupiter.api.Test
    void pruningDeletesTheOldestFilesBeyondTheLimitButNeverTheOneJustWritten() throws Exception {
        java.nio.file.Path folder = dir.resolve("fits");
        java.nio.file.Files.createDirectories(folder);
        java.nio.file.Path[] files = new java.nio.file.Path[4];
        for (int i = 0; i < files.length; i++) {
            files[i] = folder.resolve("f" + i + ".bin");
            java.nio.file.Files.write(files[i], new byte[100]);
            java.nio.file.Files.setLastModifiedTime(
                    files[i], java.nio.file.attribute.FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        java.nio.file.Files.write(folder.resolve("other.txt"), new byte[1000]);
        // 400 bytes of fits, 250 allowed: the two oldest go, except f0, the one just written.
        assertEquals(2, FitCache.prune(folder, 250, files[0]));
        org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.exists(files[0]));
        org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(files[1]));
        org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(files[2]));
        org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.exists(files[3]));
        org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.exists(folder.resolve("other.txt")));
        assertEquals(0, FitCache.prune(folder, 250, files[0]));
    }
}
