package dev.yard.backend.cost;

import com.google.auto.service.AutoService;
import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModelProvider;
import dev.yard.passes.cost.Layer;
import dev.yard.passes.cost.WholeModelCost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code ort}: the latency of a layer configuration measured in ONNX Runtime on this host, as
 * deployed (graph optimizations on, the given threads): the configuration is built as a
 * one-layer model (a chain as one model, so what ONNX Runtime fuses across its layers counts),
 * run after warm-up, and the median kept. Results are cached on disk by configuration, ONNX
 * Runtime version, CPU model and thread count ({@link TimingCache}), so each configuration is
 * paid for once per machine. Arguments: {@code threads=N} (default 2).
 */
public final class OrtCostModel extends MeasuredCostModel implements WholeModelCost {
    private final int threads;

    OrtCostModel(int threads, Path cacheDir) {
        super(cacheDir.resolve("costs")
                .resolve("ort-" + OrtSession.environment().getVersion() + "-" + HostCpu.tag() + "-t" + threads
                        + ".tsv"));
        this.threads = threads;
    }

    @Override
    public String name() {
        return "ort:threads=" + threads;
    }

    @Override
    double measure(List<? extends Layer> layers) {
        return measureSeconds(layers, threads);
    }

    /**
     * The whole model measured as deployed, on seeded inputs in [0, 1): the median of the
     * better of two rounds, so that one disturbed round does not decide. Not cached: models change.
     */
    @Override
    public Cost model(Model model) {
        Map<String, Tensor> inputs = new java.util.LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(42);
        for (dev.yard.ir.Value v : model.graph().inputs()) {
            if (v.isInitializer()) {
                continue;
            }
            // A symbolic batch counts as 1, as everywhere in pricing; other unknown dims cannot be guessed.
            long[] dims = dev.yard.passes.cost.ModelPricing.staticDims(v);
            if (v.elementType() != dev.yard.ir.ElementType.FLOAT || dims == null) {
                throw YardException.badInput("ort: cannot time the whole model: input " + v.name()
                        + " is not a float tensor of known shape (give --input-shape)");
            }
            inputs.put(v.name(), LayerModels.random(dims, random.split()));
        }
        try (OrtSession s = OrtSession.of(OnnxWriter.toBytes(model), threads)) {
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 2; round++) {
                best = Math.min(best, s.medianMillis(inputs, 3, 10, 200, 300) / 1e3);
            }
            return new Cost(best, 0, true);
        }
    }

    /** One fresh measurement of {@code layers} run as one model, uncached: median seconds. */
    public static double measureSeconds(List<? extends Layer> layers, int threads) {
        Model m = LayerModels.of(layers);
        Tensor x = LayerModels.random(LayerModels.inputDims(layers.get(0)), new SplittableRandom(1));
        try (OrtSession s = OrtSession.of(OnnxWriter.toBytes(m), threads)) {
            return s.medianMillis(Map.of("x", x), 2, 7, 200, 100) / 1e3;
        }
    }

    /** Registers {@code ort}. */
    @AutoService(CostModelProvider.class)
    public static final class Provider implements CostModelProvider {
        @Override
        public String name() {
            return "ort";
        }

        @Override
        public String summary() {
            return "latency measured in ONNX Runtime on this host, cached per machine (args: threads=N)";
        }

        @Override
        public CostModel create(String arguments) {
            int threads = 2;
            for (String arg : arguments.isEmpty() ? new String[0] : arguments.split(",")) {
                String[] kv = arg.split("=", 2);
                if (kv.length == 2 && kv[0].trim().equals("threads")) {
                    try {
                        threads = Integer.parseInt(kv[1].trim());
                    } catch (NumberFormatException e) {
                        threads = -1;
                    }
                    if (threads < 1 || threads > 256) {
                        throw YardException.badInput(
                                "--cost-model ort: threads must be a whole number from 1 to 256, got '" + kv[1] + "'");
                    }
                } else {
                    throw YardException.badInput("--cost-model ort: unknown argument '" + arg + "' (known: threads=N)");
                }
            }
            return new OrtCostModel(threads, TvmToolchain.cacheDir());
        }
    }

    /** A short, file-name-safe tag of this host's CPU model: measured latencies belong to it. */
    public static final class HostCpu {
        private HostCpu() {}

        /** The tag, e.g. {@code AMD_EPYC_9R14}. */
        public static String tag() {
            String model = System.getProperty("os.arch", "cpu");
            try {
                Path info = Path.of("/proc/cpuinfo");
                if (Files.isReadable(info)) {
                    model = Files.readAllLines(info).stream()
                            .filter(l -> l.startsWith("model name"))
                            .findFirst()
                            .map(l -> l.substring(l.indexOf(':') + 1).trim())
                            .orElse(model);
                }
            } catch (IOException e) {
                // the architecture name stands in
            }
            byte[] digest;
            try {
                digest = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(model.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            String readable = model.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("(^-|-$)", "");
            return (readable.length() > 24 ? readable.substring(0, 24) : readable) + "-"
                    + HexFormat.of().formatHex(digest, 0, 4);
        }
    }
}
