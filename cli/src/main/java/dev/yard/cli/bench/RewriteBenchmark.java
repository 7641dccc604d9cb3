package dev.yard.cli.bench;

import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.passes.PassManager;
import dev.yard.passes.PassRegistry;
import dev.yard.passes.Pipeline;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How the rewriting passes scale with graph size: {@code RewriteBenchmark N...} builds, for
 * each N, a chain of N 1x1 convs (8 channels on a 4x4 map) and times {@code fuse-1x1} on it
 * with a constant per-channel Add after each conv (it folds every Add into a bias and merges
 * the chain's convs) and {@code recompose} on it with biases in the convs (it merges the whole
 * chain into one conv). Linear work shows as a constant time per conv; each figure is the
 * best of three runs after a warm-up.
 */
public final class RewriteBenchmark {
    private static final int CHANNELS = 8;

    private RewriteBenchmark() {}

    public static void main(String[] args) {
        for (String pipeline : List.of("fuse-1x1", "recompose")) {
            time(pipeline, 200);
        }
        System.out.println("     convs   pipeline            ms   us/conv   nodes after");
        for (String a : args) {
            int n = Integer.parseInt(a);
            for (String pipeline : List.of("fuse-1x1", "recompose")) {
                double best = Double.MAX_VALUE;
                int nodes = 0;
                for (int run = 0; run < 3; run++) {
                    Model m = chain(n, pipeline.equals("fuse-1x1"));
                    best = Math.min(best, time(pipeline, m));
                    nodes = m.graph().nodes().size();
                }
                System.out.printf(
                        Locale.ROOT, "%10d   %-14s %9.1f %9.1f %13d%n", n, pipeline, best, best * 1e3 / n, nodes);
            }
        }
    }

    private static void time(String pipeline, int n) {
        time(pipeline, chain(n, pipeline.equals("fuse-1x1")));
    }

    /** Milliseconds {@code pipeline} takes on {@code m}. */
    private static double time(String pipeline, Model m) {
        long t0 = System.nanoTime();
        new PassManager(Pipeline.parse(pipeline, PassRegistry.load())).run(m);
        return (System.nanoTime() - t0) / 1e6;
    }

    /** N convs with seeded weights and biases: each bias a separate Add after the conv, or the conv's own. */
    static Model chain(int n, boolean adds) {
        SplittableRandom random = new SplittableRandom(n);
        Graph g = new Graph("chain");
        long[] dims = {1, CHANNELS, 4, 4};
        Value x = new Value("x", ValueType.tensor(ElementType.FLOAT, dims));
        g.inputs().add(x);
        for (int i = 0; i < n; i++) {
            float[] w = new float[CHANNELS * CHANNELS];
            for (int j = 0; j < w.length; j++) {
                w[j] = (float) (random.nextDouble(-1, 1) / Math.sqrt(CHANNELS));
            }
            float[] b = new float[CHANNELS];
            for (int j = 0; j < b.length; j++) {
                b[j] = (float) random.nextDouble(-0.1, 0.1);
            }
            Value weight = g.addInitializer("w" + i, Tensor.ofFloats(new long[] {CHANNELS, CHANNELS, 1, 1}, w));
            Value bias = g.addInitializer(
                    "b" + i, Tensor.ofFloats(adds ? new long[] {1, CHANNELS, 1, 1} : new long[] {CHANNELS}, b));
            Value y = new Value("y" + i, ValueType.tensor(ElementType.FLOAT, dims));
            Node conv =
                    new Node("conv" + i, "", "Conv", adds ? List.of(x, weight) : List.of(x, weight, bias), List.of(y));
            conv.setAttribute(Attribute.of("kernel_shape", new long[] {1, 1}));
            g.nodes().add(conv);
            x = y;
            if (adds) {
                Value z = new Value("z" + i, ValueType.tensor(ElementType.FLOAT, dims));
                g.nodes().add(new Node("add" + i, "", "Add", List.of(y, bias), List.of(z)));
                x = z;
            }
        }
        g.outputs().add(x);
        return new Model(g);
    }
}
