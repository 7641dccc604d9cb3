package dev.yard.cli.bench;

import dev.yard.backend.cost.OrtCostModel;
import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.ort.SeededInputs;
import dev.yard.frontend.onnx.OnnxReader;
import dev.yard.ir.ElementType;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.passes.PassManager;
import dev.yard.passes.PassRegistry;
import dev.yard.passes.Pipeline;
import dev.yard.passes.cost.Chains;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModels;
import dev.yard.passes.cost.Layer;
import dev.yard.passes.cost.ModelPricing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How well each cost model predicts latency measured in ONNX Runtime:
 * {@code CostBenchmark THREADS MODEL=x:D,D,D,D ... -- COSTMODEL ...}. For every conv of the
 * models, the dense layer and decomposed chains of it (svd, tucker2, btd, cp, tt at several
 * ranks) are measured afresh (the truth) and priced by each cost model; prints Spearman's rank
 * correlation and the median absolute percentage error per model, the configurations where
 * fewer MACs ran slower and which models caught them, and the sum of the per-layer figures
 * against the whole model measured.
 */
public final class CostBenchmark {
    private CostBenchmark() {}

    record Config(String layer, String what, List<Layer> chain, long macs) {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        List<String> modelArgs = new ArrayList<>();
        List<String> costArgs = new ArrayList<>();
        boolean costs = false;
        for (String a : Arrays.copyOfRange(args, 1, args.length)) {
            if (a.equals("--")) {
                costs = true;
            } else {
                (costs ? costArgs : modelArgs).add(a);
            }
        }
        List<Config> configs = new ArrayList<>();
        Map<String, double[]> wholeModels = new LinkedHashMap<>();
        for (String spec : modelArgs) {
            String[] parts = spec.split("=", 2);
            String[] shape = parts[1].split(":", 2);
            Model m = OnnxReader.read(Path.of(parts[0]));
            long[] dims = Arrays.stream(shape[1].split(","))
                    .mapToLong(Long::parseLong)
                    .toArray();
            for (Value v : m.graph().inputs()) {
                if (v.name().equals(shape[0])) {
                    v.setType(ValueType.tensor(v.elementType(), dims));
                }
            }
            for (Node n : m.graph().nodes()) {
                for (Value v : n.outputs()) {
                    if (v != null) {
                        v.setType(null);
                    }
                }
            }
            // Exporters such as Paddle's keep weights in Constant nodes: make them initializers first.
            new PassManager(Pipeline.parse("fold-constants", PassRegistry.load())).run(m);
            ShapeInference.infer(m);
            String name = Path.of(parts[0]).getFileName().toString();
            int before = configs.size();
            for (Node n : m.graph().nodes()) {
                if (!n.is("Conv")) {
                    continue;
                }
                Layer l = ModelPricing.layerOf(n).orElse(null);
                if (l instanceof Layer.Conv c) {
                    configs.addAll(variants(
                            name + "/" + (n.name().isEmpty() ? n.output(0).name() : n.name()), c));
                }
            }
            System.err.printf("%s: %d configurations%n", name, configs.size() - before);
            try (OrtSession s = OrtSession.of(parts[0].isEmpty() ? null : Path.of(parts[0]), threads)) {
                Tensor x = random(dims);
                double whole = s.medianMillis(Map.of(shape[0], x), 3, 10, 200, 500) / 1e3;
                double sum = 0;
                for (Node n : m.graph().nodes()) {
                    Layer l = (n.is("Conv") || n.is("Gemm") || n.is("MatMul"))
                            ? ModelPricing.layerOf(n).orElse(null)
                            : null;
                    if (l != null) {
                        sum += OrtCostModel.measureSeconds(List.of(l), threads);
                    }
                }
                wholeModels.put(name, new double[] {whole, sum});
            }
        }
        double[] truth = new double[configs.size()];
        for (int i = 0; i < configs.size(); i++) {
            if (i % 50 == 0) {
                System.err.printf("measuring %d of %d%n", i, configs.size());
            }
            truth[i] = OrtCostModel.measureSeconds(configs.get(i).chain(), threads);
        }
        System.out.printf(Locale.ROOT, "%d configurations, ONNX Runtime %d threads%n%n", configs.size(), threads);
        System.out.println("| cost model | Spearman | median abs. error (%) | MAC traps caught |");
        System.out.println("|---|---:|---:|---:|");
        List<int[]> traps = traps(configs, truth);
        Map<String, double[]> predictions = new LinkedHashMap<>();
        for (String spec : costArgs) {
            CostModel cm = CostModels.create(spec);
            double[] p = new double[configs.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = cm.chain(configs.get(i).chain()).seconds();
            }
            predictions.put(cm.name(), p);
            int caught = 0;
            for (int[] t : traps) {
                if (p[t[1]] >= p[t[0]]) {
                    caught++;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.3f | %.1f%% | %d of %d |%n",
                    cm.name(),
                    spearman(p, truth),
                    mdape(p, truth),
                    caught,
                    traps.size());
        }
        System.out.println(
                "\nfewer MACs, slower (measured): layer, chain, MACs dense -> chain, ms dense -> chain, caught by");
        for (int[] t : traps.subList(0, Math.min(15, traps.size()))) {
            Config d = configs.get(t[0]), c = configs.get(t[1]);
            List<String> by = new ArrayList<>();
            predictions.forEach((k, p) -> {
                if (p[t[1]] >= p[t[0]]) by.add(k);
            });
            System.out.printf(
                    Locale.ROOT,
                    "%s | %s | %,d -> %,d | %.3f -> %.3f | %s%n",
                    d.layer(),
                    c.what(),
                    d.macs(),
                    c.macs(),
                    truth[t[0]] * 1e3,
                    truth[t[1]] * 1e3,
                    by.isEmpty() ? "none" : String.join(", ", by));
        }
        System.out.println("\nwhole model measured vs the sum of its convs, Gemms and MatMuls measured one by one:");
        wholeModels.forEach((k, v) -> System.out.printf(
                Locale.ROOT,
                "%s: whole %.3f ms, sum of layers %.3f ms (%+.1f%%)%n",
                k,
                v[0] * 1e3,
                v[1] * 1e3,
                100 * (v[1] - v[0]) / v[0]));
    }

    /** The dense conv and chains of it, as DESIGN.md's factorized-conv family builds them. */
    static List<Config> variants(String name, Layer.Conv c) {
        List<Config> out = new ArrayList<>();
        out.add(new Config(name, "dense", List.of(c), c.macs()));
        if (c.group() != 1) {
            return out;
        }
        int full = Math.min(c.in(), c.out());
        for (double f : new double[] {0.25, 0.5, 0.75}) {
            int r = Math.max(1, (int) Math.round(full * f));
            if (c.kh() == 1 && c.kw() == 1) {
                add(out, name, "svd r" + r, Chains.svd(c, r));
                continue;
            }
            add(out, name, "tucker2 r" + r, Chains.tucker2(c, r, r, 1));
            int g = 4, rg = Math.max(g, r / g * g);
            add(out, name, "btd G4 r" + rg, Chains.tucker2(c, rg, rg, g));
            add(out, name, "cp r" + r, Chains.separable(c, r, true));
            add(out, name, "tt r" + r, Chains.separable(c, r, false));
        }
        return out;
    }

    private static void add(List<Config> out, String name, String what, List<Layer> chain) {
        out.add(new Config(
                name, what, chain, chain.stream().mapToLong(Layer::macs).sum()));
    }

    /** (dense, chain) index pairs of one layer where the chain has fewer MACs but measured slower. */
    private static List<int[]> traps(List<Config> configs, double[] truth) {
        List<int[]> traps = new ArrayList<>();
        int dense = -1;
        for (int i = 0; i < configs.size(); i++) {
            if (configs.get(i).what().equals("dense")) {
                dense = i;
            } else if (configs.get(i).macs() < configs.get(dense).macs() && truth[i] > truth[dense]) {
                traps.add(new int[] {dense, i});
            }
        }
        return traps;
    }

    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a), rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0),
                mb = Arrays.stream(rb).average().orElse(0);
        double num = 0, da = 0, db = 0;
        for (int i = 0; i < a.length; i++) {
            num += (ra[i] - ma) * (rb[i] - mb);
            da += (ra[i] - ma) * (ra[i] - ma);
            db += (rb[i] - mb) * (rb[i] - mb);
        }
        return num / Math.sqrt(da * db);
    }

    private static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[idx[k]] = (i + j) / 2.0;
            }
            i = j + 1;
        }
        return r;
    }

    private static double mdape(double[] predicted, double[] truth) {
        double[] e = new double[truth.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = 100 * Math.abs(predicted[i] - truth[i]) / truth[i];
        }
        Arrays.sort(e);
        return e[e.length / 2];
    }

    private static Tensor random(long[] dims) {
        return SeededInputs.uniform(ElementType.FLOAT, dims, new SplittableRandom(3), 0);
    }
}
