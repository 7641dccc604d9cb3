package dev.yard.passes.linalg;

import static dev.yard.passes.linalg.NativeKernelsTest.assertClose;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every decomposition gives the same factors and errors on native BLAS/LAPACK as on EJML, and
 * a JVM without the native library (or told not to use it) runs the EJML code, bit for bit.
 */
class NativeDecompositionsTest {
    /** Large enough that every product and eigensolve in these fits takes the native path. */
    private static final DenseTensor KERNEL = Fixtures.decayingKernel(51, 96, 80, 3, 3);

    @Test
    void svdAgrees() {
        assumeTrue(NativeLinearAlgebra.available());
        DenseTensor gemm = Fixtures.decayingKernel(52, 300, 200, 1, 1).reshape(300, 200);
        for (DenseTensor w : new DenseTensor[] {gemm, gemm.reshape(200, 300), KERNEL}) {
            for (TruncatedSvd.Algorithm a :
                    new TruncatedSvd.Algorithm[] {TruncatedSvd.Algorithm.EXACT, TruncatedSvd.Algorithm.RANDOMIZED}) {
                TruncatedSvd.Options o = TruncatedSvd.Options.DEFAULT.with(a);
                LowRankFactors nat = TruncatedSvd.fit(w, 24, o);
                LowRankFactors java = NativeLinearAlgebra.withPureJava(() -> TruncatedSvd.fit(w, 24, o));
                assertEquals(java.relativeError(), nat.relativeError(), 1e-12, a + " " + w);
                assertClose(java.reconstruct().data(), nat.reconstruct().data(), 1e-9);
                assertEquals(w.relativeErrorTo(nat.reconstruct()), nat.relativeError(), 1e-9);
            }
            assertClose(
                    NativeLinearAlgebra.withPureJava(() -> TruncatedSvd.singularValues(w)),
                    TruncatedSvd.singularValues(w),
                    1e-10);
        }
    }

    @Test
    void tuckerTrainBlockTermAndCpAgree() {
        assumeTrue(NativeLinearAlgebra.available());
        TuckerTwoFactors t = TuckerTwo.fit(KERNEL, 24, 20);
        TuckerTwoFactors tJava = NativeLinearAlgebra.withPureJava(() -> TuckerTwo.fit(KERNEL, 24, 20));
        assertEquals(tJava.relativeError(), t.relativeError(), 1e-12);
        assertEquals(tJava.iterations(), t.iterations());
        assertClose(tJava.reconstruct().data(), t.reconstruct().data(), 1e-9);

        TensorTrainFactors tt = TensorTrain.fit(KERNEL, 24, 32, 24);
        TensorTrainFactors ttJava = NativeLinearAlgebra.withPureJava(() -> TensorTrain.fit(KERNEL, 24, 32, 24));
        assertEquals(ttJava.relativeError(), tt.relativeError(), 1e-12);
        assertClose(ttJava.reconstruct().data(), tt.reconstruct().data(), 1e-9);
        TensorTrainFactors within = TensorTrain.fitWithin(KERNEL, 0.2);
        assertArrayEquals(
                NativeLinearAlgebra.withPureJava(() -> TensorTrain.fitWithin(KERNEL, 0.2))
                        .first()
                        .shape(),
                within.first().shape());

        BlockTermFactors b = BlockTermTucker.fit(KERNEL, 32, 32, 2);
        BlockTermFactors bJava = NativeLinearAlgebra.withPureJava(() -> BlockTermTucker.fit(KERNEL, 32, 32, 2));
        assertEquals(bJava.relativeError(), b.relativeError(), 1e-9);

        // ALS amplifies rounding differences from sweep to sweep: a few sweeps, a looser bound.
        CpAls.Options few = CpAls.Options.DEFAULT.withIterations(8, 0);
        CpFactors c = CpAls.fit(KERNEL, 40, few);
        CpFactors cJava = NativeLinearAlgebra.withPureJava(() -> CpAls.fit(KERNEL, 40, few));
        assertEquals(cJava.relativeError(), c.relativeError(), 1e-7);
    }

    @Test
    void whitenedFitsAgree() {
        assumeTrue(NativeLinearAlgebra.available());
        DenseTensor w = Fixtures.decayingKernel(53, 96, 16, 3, 3);
        InputCovariance c = Fixtures.correlatedInputs(54, 16 * 9, 600);
        LowRankFactors s = TruncatedSvd.fitWhitened(w, 20, c);
        LowRankFactors sJava = NativeLinearAlgebra.withPureJava(() -> TruncatedSvd.fitWhitened(w, 20, c));
        assertEquals(sJava.relativeOutputError(), s.relativeOutputError(), 1e-10);
        TuckerTwoFactors t = WhitenedTuckerTwo.fit(w, 24, 10, c);
        TuckerTwoFactors tJava = NativeLinearAlgebra.withPureJava(() -> WhitenedTuckerTwo.fit(w, 24, 10, c));
        assertEquals(tJava.relativeOutputError(), t.relativeOutputError(), 1e-8);
    }

    @Test
    void aJvmWithoutTheNativeLibraryRunsTheEjmlCode() throws Exception {
        String expected = NativeLinearAlgebra.withPureJava(NativeProbe::fingerprint);
        // The bindings open the library named by this property: a name that does not exist
        // stands for a machine without OpenBLAS.
        List<String> missing = probe(
                "-D" + NativeLinearAlgebra.PROPERTY + "=true",
                "-Ddev.ludovic.netlib.blas.nativeLib=libyard-absent-blas.so.3");
        assertEquals("false", missing.get(0));
        assertTrue(missing.get(1).startsWith("EJML (pure Java; native BLAS/LAPACK not loaded"), missing.get(1));
        assertEquals(expected, missing.get(2), "same bits as the pure-Java path in this JVM");

        List<String> off = probe("-D" + NativeLinearAlgebra.PROPERTY + "=false");
        assertEquals("false", off.get(0));
        assertTrue(off.get(1).contains("switched off"), off.get(1));
        assertEquals(expected, off.get(2));
    }

    @Test
    void aJvmWithTheNativeLibraryUsesItWithTheSameBitsAsThisOne() throws Exception {
        assumeTrue(NativeLinearAlgebra.available());
        List<String> on = probe("-D" + NativeLinearAlgebra.PROPERTY + "=true");
        assertEquals("true", on.get(0));
        assertEquals(NativeProbe.fingerprint(), on.get(2));
        assertNotEquals(
                NativeLinearAlgebra.withPureJava(NativeProbe::fingerprint),
                on.get(2),
                "the probe's fits must reach the native kernels, or the fallback test above proves nothing");
    }

    @Test
    void anotherCpusKernelsAndThreadCountGiveTheSameBits() throws Exception {
        assumeTrue(NativeLinearAlgebra.available());
        assertTrue(
                NativeLinearAlgebra.description().contains(ReproducibleOpenBlas.CORE + " kernels"),
                NativeLinearAlgebra.description());
        // What OpenBLAS would choose by itself on an AVX-512 Xeon, with one thread: the pin
        // must win, or the bits of a decomposition would depend on the machine.
        for (String core : new String[] {"SkylakeX", "Cooperlake", "Zen"}) {
            List<String> other = probe(Map.of("OPENBLAS_CORETYPE", core, "OPENBLAS_NUM_THREADS", "1"));
            assertEquals("true", other.get(0), core);
            assertEquals(NativeProbe.fingerprint(), other.get(2), core);
        }
    }

    /** Runs {@link NativeProbe} in a fresh JVM: its three lines of output. */
    private static List<String> probe(String... properties) throws IOException, InterruptedException {
        return probe(Map.of(), properties);
    }

    /** Runs {@link NativeProbe} in a fresh JVM with extra environment variables. */
    private static List<String> probe(Map<String, String> environment, String... properties)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(properties));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NativeProbe.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        return lines;
    }
}
