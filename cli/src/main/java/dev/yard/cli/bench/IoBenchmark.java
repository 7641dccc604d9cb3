package dev.yard.cli.bench;

import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.frontend.onnx.OnnxReader;
import dev.yard.ir.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times reading and writing one model with Yard: {@code IoBenchmark MODEL OUT [RUNS]}. Prints
 * the median of RUNS read and write times (after one warm-up) and the peak resident memory of
 * the process after the first read and write, in a form {@code scripts/bench-io} puts beside Python's onnx.
 */
public final class IoBenchmark {
    private IoBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long firstStart = System.nanoTime();
        Model first = OnnxReader.read(in);
        long firstRead = System.nanoTime() - firstStart;
        OnnxWriter.write(first, out);
        long firstTotal = System.nanoTime() - firstStart;
        long firstPeak = peakRssMiB();
        double[] reads = new double[runs];
        double[] writes = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Model m = OnnxReader.read(in);
            // Touch every weight so that lazily mapped pages are really read, as a user would.
            long sum = 0;
            for (var v : m.graph().initializers()) {
                var b = v.initializer().raw();
                for (int k = 0; k < b.remaining(); k += 4096) {
                    sum += b.get(k);
                }
            }
            long t1 = System.nanoTime();
            OnnxWriter.write(m, out);
            long t2 = System.nanoTime();
            reads[i] = (t1 - t0) / 1e6;
            writes[i] = (t2 - t1) / 1e6;
            if (sum == 42) {
                System.out.print("");
            }
        }
        System.out.printf(
                Locale.ROOT,
                "yard  read %8.1f ms  write %8.1f ms  read+write %8.1f ms  (first run %.1f ms read, "
                        + "%.1f ms total, peak RSS %d MiB)%n",
                median(reads),
                median(writes),
                median(sum(reads, writes)),
                firstRead / 1e6,
                firstTotal / 1e6,
                firstPeak);
    }

    private static double[] sum(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** VmHWM from /proc: the most resident memory the process ever had. */
    static long peakRssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
