package dev.yard.cli;

import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.ort.SeededInputs;
import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.backend.tvm.ffi.TvmModel;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code yard tune}: MetaSchedule over a model's fused workloads for a TVM target, the records
 * kept in the cache for every later build for that target; then the tuned model's latency
 * beside ONNX Runtime's.
 */
@Command(
        name = "tune",
        mixinStandardHelpOptions = true,
        description = "Tune a model's TVM workloads with MetaSchedule for a target; emit-tvm --build, run "
                + "--backend tvm and the tvm cost model then use the records.")
final class TuneCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model (.onnx or .onnxtxt).")
    Path input;

    @Option(
            names = "--target",
            paramLabel = "TARGET",
            defaultValue = TvmToolchain.HOST_TARGET,
            description = "TVM target of this host's architecture: host (the default), x86-64-avx2, "
                    + "x86-64-avx512 or JSON.")
    String target;

    @Option(
            names = "--trials",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Measured schedules for the whole model, shared in proportion to each workload's FLOPs, "
                    + "at least 8 each (default: ${DEFAULT-VALUE}). Records already held count: a second run "
                    + "resumes.")
    int trials;

    @Option(
            names = "--time-budget",
            paramLabel = "TIME",
            description = "Stop starting new rounds after this long: seconds, or with s, m or h (e.g. 20m).")
    String timeBudget;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "2",
            description = "Threads the tuned code runs on (TVM_NUM_THREADS; default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--no-measure", description = "Do not time the tuned model against ONNX Runtime afterwards.")
    boolean noMeasure;

    @Mixin
    TvmModuleOptions tvm;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** Workloads listed one per line; the rest are summed in one line. */
    private static final int SHOWN = 12;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        TvmToolchain.TuneOptions options = new TvmToolchain.TuneOptions(trials, seconds(timeBudget), threads, 0);
        TvmModuleOptions.Emitted emitted = tvm.emit(input);
        Model model = emitted.model();
        RelaxModule module = emitted.module();
        TvmToolchain tc = tvm.toolchain();
        Path dir = Files.createTempDirectory("yard-tune");
        try {
            StatusLine status = StatusLine.forTerminal(spec.commandLine().getErr());
            long start = System.nanoTime();
            TvmToolchain.TuneSummary summary = tc.tune(module, dir, target, options, (done, total) -> {
                long s = (System.nanoTime() - start) / 1_000_000_000L;
                status.show(String.format(Locale.ROOT, "tuning: %d/%d trials, %d:%02d", done, total, s / 60, s % 60));
            });
            status.clear();
            print(out, summary);
            if (!noMeasure) {
                status.show("building and timing the tuned model");
                Path lib = tc.build(module, dir, target).library();
                double[] ms = measure(tc, lib, module, model);
                status.clear();
                out.printf(
                        Locale.ROOT,
                        "latency (%d threads, median): TVM tuned %.3f ms, ONNX Runtime %.3f ms (%.2fx)%n",
                        threads,
                        ms[0],
                        ms[1],
                        ms[0] / ms[1]);
            }
        } finally {
            TvmToolchain.deleteScratch(dir);
        }
        return Main.OK;
    }

    private static void print(PrintWriter out, TvmToolchain.TuneSummary s) {
        double total =
                s.workloads().stream().mapToDouble(w -> w.flops() * w.weight()).sum();
        out.printf(Locale.ROOT, "%-44s %6s %5s %7s %12s%n", "workload", "FLOPs", "count", "trials", "best");
        int shown = 0;
        double restShare = 0;
        int restTrials = 0;
        int restCount = 0;
        int added = 0;
        for (TvmToolchain.TunedWorkload w : s.workloads()) {
            double share = total > 0 ? w.flops() * w.weight() / total : 0;
            added += w.trials() - w.before();
            if (shown < SHOWN) {
                out.printf(
                        Locale.ROOT,
                        "%-44s %5.1f%% %5d %7d %12s%n",
                        w.name().length() > 44 ? w.name().substring(0, 41) + "..." : w.name(),
                        100 * share,
                        w.weight(),
                        w.trials(),
                        w.bestSeconds() == null ? "-" : String.format(Locale.ROOT, "%.1f us", w.bestSeconds() * 1e6));
                shown++;
            } else {
                restShare += share;
                restTrials += w.trials();
                restCount++;
            }
        }
        if (restCount > 0) {
            out.printf(
                    Locale.ROOT,
                    "%-44s %5.1f%% %5s %7d%n",
                    "(" + restCount + " more)",
                    100 * restShare,
                    "",
                    restTrials);
        }
        out.printf(
                Locale.ROOT,
                "%d workloads, %d trials measured now in %.0f s%s; records: %s%n",
                s.workloads().size(),
                added,
                s.seconds(),
                s.stoppedByTime() ? " (stopped by --time-budget)" : "",
                s.database());
    }

    /** Median latency of the tuned library and of ONNX Runtime on the same seeded input, in ms. */
    private double[] measure(TvmToolchain tc, Path lib, RelaxModule module, Model model) {
        SplittableRandom r = new SplittableRandom(42);
        List<Tensor> in = new ArrayList<>();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (RelaxModule.Port p : module.inputs()) {
            Tensor t = SeededInputs.uniform(p.dtype().elementType(), p.dims(), r, 0);
            in.add(t);
            feeds.put(p.onnxName(), t);
        }
        double tvm;
        try (TvmModel tm = TvmModel.load(tc.runtime(), lib)) {
            tvm = tm.medianMillis(in, 2, 5, 50, 3000);
        }
        try (OrtSession s = OrtSession.of(model, threads)) {
            return new double[] {tvm, s.medianMillis(feeds, 2, 5, 50, 3000)};
        }
    }

    /** "90", "90s", "20m", "1.5h" in seconds; null for none. */
    static Double seconds(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        double unit = 1;
        if (t.endsWith("h")) {
            unit = 3600;
        } else if (t.endsWith("m")) {
            unit = 60;
        }
        if (t.endsWith("h") || t.endsWith("m") || t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t) * unit;
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw YardException.badInput(
                "--time-budget " + text + ": expected a positive duration such as 600, 90s, " + "20m or 1.5h");
    }
}
