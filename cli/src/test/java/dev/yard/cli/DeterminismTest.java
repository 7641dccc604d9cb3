package dev.yard.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code yard optimize} writes the same bytes in every JVM and on every machine: the same run
 * in fresh JVMs, one of them with the kernel set and thread count OpenBLAS would choose on an
 * AVX-512 Xeon with one core free, on a model whose decompositions take the native kernels and
 * whose calibration runs in ONNX Runtime. (ONNX Runtime's own kernels cannot be switched here:
 * that its unoptimized graph gives AVX2 and AVX-512 the same bits was measured outside the
 * build, see {@code OrtSession.unoptimized}.)
 */
class DeterminismTest {
    @TempDir
    Path work;

    @Test
    void optimizeWritesTheSameBytesInEveryJvmAndKernelSet() throws Exception {
        Path model = TestEnvironment.materialize(work, "ppocr-v3-rec", "classpath:models/ch_PP-OCRv3_rec_infer.onnx");
        byte[] first = optimize(model, "first", Map.of());
        Map<String, String> avx512 = Map.of("OPENBLAS_CORETYPE", "SkylakeX", "OPENBLAS_NUM_THREADS", "1");
        byte[] otherCpu = optimize(model, "skylakex", avx512);
        assertArrayEquals(
                first, otherCpu, "a second JVM with the kernels and thread count another machine would choose");
        // Left to choose, OpenBLAS takes those kernels and the bytes change: so the model does
        // reach the native kernels, and the equality above is the pin's doing.
        byte[] unpinned = optimize(model, "unpinned", avx512, "-Dyard.linalg.reproducible=false");
        assertFalse(
                Arrays.equals(first, unpinned), "without the pin the bytes must differ, or the test proves nothing");
    }

    /** Runs {@code yard optimize} in a fresh JVM and returns the bytes it wrote. */
    private byte[] optimize(Path model, String tag, Map<String, String> environment, String... jvmOptions)
            throws IOException, InterruptedException {
        Path out = work.resolve(tag + ".onnx");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx4g");
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "optimize",
                model.toString(),
                "-o",
                out.toString(),
                "--input-shape",
                "x=1,3,48,320",
                "--calibration",
                "random",
                "--cost-model",
                "macs",
                "--no-measure",
                "--pipeline",
                "fold-constants,fold-batchnorm,decompose{method=tucker2 rank=evbmf},fuse-1x1,dce"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("OPENBLAS_CORETYPE");
        builder.environment().remove("OPENBLAS_NUM_THREADS");
        builder.environment().putAll(environment);
        Process p = builder.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), tag + ": optimize did not finish");
        assertEquals(0, p.exitValue(), tag + ":\n" + log);
        return Files.readAllBytes(out);
    }
}
