package dev.yard.passes.linalg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Java half of {@code scripts/bench-decompose}: times every decomposition on the weights the
 * Python half wrote, and prints one JSON line per case (median of the given repeats, after up
 * to three untimed warm-up runs when there is more than one repeat), after a line on standard error
 * saying whether the kernels run on native BLAS/LAPACK or on EJML.
 *
 * <p>Usage: {@code DecompositionBenchmark DATA_DIR CASES_FILE}, where each line of the cases
 * file is {@code method shape ranks repeats} (comma-separated lists).
 */
public final class DecompositionBenchmark {
    private static final int TUCKER_ITERATIONS = 10;
    private static final int CP_ITERATIONS = 25;

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[0]);
        List<String> cases = Files.readAllLines(Path.of(args[1]));
        System.err.println("linalg: " + NativeLinearAlgebra.description());
        for (String line : cases) {
            if (line.isBlank()) {
                continue;
            }
            String[] p = line.trim().split("\\s+");
            String method = p[0];
            int[] shape =
                    Arrays.stream(p[1].split(",")).mapToInt(Integer::parseInt).toArray();
            int[] ranks =
                    Arrays.stream(p[2].split(",")).mapToInt(Integer::parseInt).toArray();
            int repeats = Integer.parseInt(p[3]);
            DenseTensor w = load(data.resolve(String.join("x", p[1].split(",")) + ".f32"), shape);
            // As JMH would: garbage from the previous case collected first, and for cases
            // timed more than once, warm-up runs (3, or fewer if they take over 2 s) so that
            // the median measures compiled code rather than the JIT at work.
            System.gc();
            if (repeats > 1) {
                long warmStart = System.nanoTime();
                for (int i = 0; i < 3 && (System.nanoTime() - warmStart) < 2_000_000_000L; i++) {
                    run(method, w, ranks);
                }
            }
            double[] ms = new double[repeats];
            Result result = null;
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                result = run(method, w, ranks);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf(
                    Locale.ROOT,
                    "{\"method\": \"%s\", \"shape\": \"%s\", \"ranks\": %s, \"ms\": %.1f, \"runs\": %d, "
                            + "\"error\": %.8f, \"impl\": \"%s\"}%n",
                    method,
                    String.join("x", p[1].split(",")),
                    Arrays.toString(ranks),
                    ms[repeats / 2],
                    repeats,
                    result.error(),
                    result.impl());
        }
    }

    private record Result(double error, String impl) {}

    private static Result run(String method, DenseTensor w, int[] r) {
        return switch (method) {
            case "svd" -> {
                LowRankFactors f = TruncatedSvd.fit(w, r[0]);
                yield new Result(f.relativeError(), f.algorithm().toString().toLowerCase(Locale.ROOT));
            }
            case "tucker2" -> {
                TuckerTwoFactors f = TuckerTwo.fit(w, r[0], r[1], new TuckerTwo.Options(TUCKER_ITERATIONS, 1e-5));
                yield new Result(f.relativeError(), "HOOI " + f.iterations() + " it");
            }
            case "btd" -> {
                BlockTermFactors f = BlockTermTucker.fit(
                        w,
                        r[0],
                        r[1],
                        r[2],
                        new BlockTermTucker.Options(
                                TUCKER_ITERATIONS, 1e-5, new TuckerTwo.Options(TUCKER_ITERATIONS, 1e-5)));
                yield new Result(f.relativeError(), "ALS " + f.iterations() + " it, G=" + r[2]);
            }
            case "cp" -> {
                CpFactors f = CpAls.fit(w, r[0], CpAls.Options.DEFAULT.withIterations(CP_ITERATIONS, 0));
                yield new Result(
                        f.relativeError(), "ALS+LS " + f.iterations() + " it" + (f.diverged() ? " DIVERGED" : ""));
            }
            case "tt" -> {
                TensorTrainFactors f = TensorTrain.fit(w, r[0], r[1], r[2]);
                yield new Result(f.relativeError(), "TT-SVD");
            }
            default -> throw new IllegalArgumentException(method);
        };
    }

    private static DenseTensor load(Path file, int[] shape) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return DenseTensor.fromFloats(f, shape);
    }
}
