package dev.yard.backend.cost;

import com.google.auto.service.AutoService;
import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.backend.tvm.emit.RelaxEmitter;
import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.backend.tvm.ffi.TvmModel;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModelProvider;
import dev.yard.passes.cost.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code tvm}: the latency of a layer configuration compiled by TVM for a target and timed on
 * this host through Yard's runtime bindings (a chain as one module). Like {@code ort}, cached
 * on disk per target and CPU ({@link TimingCache}): building is slow, and is paid once.
 * Argument: the TVM target, {@code host} (llvm for this CPU, the default), a built-in target
 * or a JSON target such as {@code {"kind": "llvm", "mcpu": "core-avx2"}}; with a {@code
 * trials=N,} prefix each configuration is first tuned with N MetaSchedule trials ({@code yard
 * tune}'s engine, records kept with every other tuning record of the target), so rank
 * selection sees the latency of tuned code rather than of TVM's unscheduled loops.
 */
public final class TvmCostModel extends MeasuredCostModel {
    private final TvmToolchain toolchain;
    private final String target;
    private final int trials;

    TvmCostModel(TvmToolchain toolchain, String target, int trials, Path cacheDir) {
        super(cacheDir.resolve("costs")
                .resolve("tvm-" + OrtCostModel.HostCpu.tag() + "-" + digest(target)
                        + (trials > 0 ? "-tuned" + trials : "") + ".tsv"));
        this.toolchain = toolchain;
        this.target = target;
        this.trials = trials;
    }

    private static String digest(String target) {
        try {
            byte[] d =
                    java.security.MessageDigest.getInstance("SHA-256").digest(target.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return "tvm:" + (trials > 0 ? "trials=" + trials + "," : "") + target;
    }

    @Override
    double measure(List<? extends Layer> layers) {
        Model m = LayerModels.of(layers);
        RelaxModule module = RelaxEmitter.emit(m);
        Path dir;
        try {
            dir = Files.createTempDirectory("yard-tvm-layer");
        } catch (IOException e) {
            throw new YardException("cannot create a temporary folder: " + e.getMessage(), false, e);
        }
        try {
            if (trials > 0) {
                toolchain.tune(module, dir, target, new TvmToolchain.TuneOptions(trials, null, 2, 0), (d, t) -> {});
            }
            Path lib = toolchain.build(module, dir, target).library();
            Tensor x = LayerModels.random(LayerModels.inputDims(layers.get(0)), new SplittableRandom(1));
            try (TvmModel tm = TvmModel.load(toolchain.runtime(), lib)) {
                return tm.medianMillis(List.of(x), 3, 10, 200, 300) / 1e3;
            }
        } finally {
            TvmToolchain.deleteScratch(dir);
        }
    }

    /** Registers {@code tvm}. */
    @AutoService(CostModelProvider.class)
    public static final class Provider implements CostModelProvider {
        @Override
        public String name() {
            return "tvm";
        }

        @Override
        public String summary() {
            return "latency of TVM-built kernels timed on this host, cached (arg: [trials=N,]host, a built-in "
                    + "or a JSON target; trials=N tunes each configuration first)";
        }

        @Override
        public CostModel create(String arguments) {
            String given = arguments.isBlank() ? TvmToolchain.HOST_TARGET : arguments.trim();
            int trials = 0;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                            "trials=([^,]*),?(.*)", java.util.regex.Pattern.DOTALL)
                    .matcher(given);
            if (m.matches()) {
                try {
                    trials = Integer.parseInt(m.group(1).trim());
                } catch (NumberFormatException e) {
                    trials = -1;
                }
                if (trials < 1) {
                    throw YardException.badInput(
                            "--cost-model tvm: trials=" + m.group(1) + " must be a whole number of at least 1");
                }
                given = m.group(2).isBlank()
                        ? TvmToolchain.HOST_TARGET
                        : m.group(2).trim();
            }
            if (!given.equals(TvmToolchain.HOST_TARGET)
                    && !given.startsWith("{")
                    && !TvmToolchain.NAMED_TARGETS.contains(given)) {
                throw YardException.badInput("--cost-model tvm: the target is host, a built-in target ("
                        + String.join(", ", TvmToolchain.NAMED_TARGETS) + ") or a JSON object, got '" + given + "'");
            }
            String target = TvmToolchain.resolveTarget(given);
            String foreign = TvmToolchain.foreignArchitecture(target);
            if (foreign != null) {
                throw YardException.badInput("--cost-model tvm: " + given + " is a target for " + foreign
                        + "; this cost model times kernels on this host, so its target must run here");
            }
            return new TvmCostModel(TvmToolchain.locate(), target, trials, TvmToolchain.cacheDir());
        }
    }
}
