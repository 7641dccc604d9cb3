package dev.yard.passes.fuse;

import dev.yard.ir.Node;
import dev.yard.passes.PassContext;
import dev.yard.passes.conv.ConvComposition;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.conv.ConvNodes;
import dev.yard.passes.cost.Layer;
import dev.yard.passes.rewrite.GraphIndex;
import dev.yard.passes.rewrite.RewriteRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Vertical fusion in {@code fuse-1x1}: a chain of linear convs (each feeding only the next)
 * is split into segments, each segment becoming one conv, choosing the cheapest split. Two adjacent 1x1 convs merge when one conv is cheaper; a whole
 * factor chain drops back to a dense conv when the dense conv is cheaper.
 *
 * <p>Splits are priced by the context's cost model, each as a whole chain, at the chain's input
 * size when that is known (from the graph or the caller's shape hints); otherwise cost is
 * weights times output area, the area relative to the chain's input (each stride divides it).
 */
final class ConvChains implements RewriteRule {
    /** Longer chains are cut: every split of a chain is priced (2^(n-1)), and real chains have at most four convs. */
    static final int MAX_CHAIN = 8;

    private final PassContext context;
    /** Chains already priced, by their first node: a chain is split once, its segments are not split again. */
    private final Set<Node> done = Collections.newSetFromMap(new IdentityHashMap<>());

    ConvChains(PassContext context) {
        this.context = context;
    }

    @Override
    public Set<String> rootOps() {
        return Set.of("Conv");
    }

    /** A chain is matched at its head: a conv not fed by a conv that chains into it. */
    @Override
    public Match match(Node head, GraphIndex index) {
        if (done.contains(head) || head.outputs().size() != 1 || feedsChain(head, index)) {
            return Match.NONE;
        }
        List<Node> chain = new ArrayList<>();
        List<ConvLayer> layers = new ArrayList<>();
        collect(head, index, chain, layers);
        done.addAll(chain);
        if (chain.size() < 2) {
            return Match.NONE;
        }
        Split split = split(chain, layers);
        if (split.segments().stream().allMatch(s -> s[0] == s[1])) {
            return Match.NONE;
        }
        return Match.rewrite(() -> fuse(chain, split, index));
    }

    /** A chain's segments (first and last index of each), each composed, and what they were priced on. */
    private record Split(List<int[]> segments, ConvLayer[][] merged, String pricedOn) {}

    /** Whether the conv before {@code n} (if any, and not already in a chain) would take {@code n} into its chain. */
    private boolean feedsChain(Node n, GraphIndex index) {
        Node p = n.input(0) == null ? null : n.input(0).producer();
        return p != null
                && !done.contains(p)
                && index.contains(p)
                && p.is("Conv")
                && p.outputs().size() == 1
                && index.soleUser(p.output(0)) == n
                && ConvLayer.read(p).ok();
    }

    /** The chain starting at {@code head}: convs with constant weights, each the sole reader of the previous. */
    private static void collect(Node head, GraphIndex index, List<Node> chain, List<ConvLayer> layers) {
        Node n = head;
        while (n != null && chain.size() < MAX_CHAIN) {
            ConvLayer c =
                    n.is("Conv") && n.outputs().size() == 1 ? ConvLayer.read(n).orElse(null) : null;
            if (c == null || (!layers.isEmpty() && layers.get(layers.size() - 1).out() != c.in())) {
                return;
            }
            chain.add(n);
            layers.add(c);
            Node next = index.soleUser(n.output(0));
            n = next != null && next.input(0) == n.output(0) ? next : null;
        }
    }

    /**
     * The split of the chain, priced as a whole by the cost model ({@link
     * dev.yard.passes.cost.CostModel#chain}, as rank selection prices the chains it emits, so the
     * two passes agree): every split of the chain whose segments compose is tried, and the
     * chain as it is wins ties.
     */
    private List<int[]> byCostModel(ConvLayer[][] merged, int[][] inputs, int k) {
        List<int[]> bestSplit = null;
        double best = Double.MAX_VALUE;
        // Bit i of a mask set: a cut after conv i. All bits set: the chain as it is, tried first.
        int all = (1 << (k - 1)) - 1;
        for (int mask = all; mask >= 0; mask--) {
            List<int[]> split = new ArrayList<>();
            List<Layer> priced = new ArrayList<>();
            int start = 0;
            boolean ok = true;
            for (int j = 0; j < k && ok; j++) {
                if (j == k - 1 || (mask & (1 << j)) != 0) {
                    ConvLayer m = merged[start][j];
                    if (m == null) {
                        ok = false;
                        break;
                    }
                    split.add(new int[] {start, j});
                    priced.add(Layer.Conv.of(m, inputs[start][0], inputs[start][1], inputs[start][2]));
                    start = j + 1;
                }
            }
            if (!ok) {
                continue;
            }
            double cost = context.costModel().chain(priced).seconds();
            if (cost < best - 1e-9 * best) {
                best = cost;
                bestSplit = split;
            }
        }
        return bestSplit;
    }

    /** The split with the fewest weights x output area (the input size being unknown), by dynamic programming. */
    private static List<int[]> byWeights(ConvLayer[][] merged, double[] area, int k) {
        double[] best = new double[k + 1];
        int[] cut = new int[k + 1];
        for (int j = 1; j <= k; j++) {
            best[j] = Double.MAX_VALUE;
            for (int i = 0; i < j; i++) {
                ConvLayer m = merged[i][j - 1];
                if (m == null) {
                    continue;
                }
                double cost = best[i] + m.weights().length * area[j - 1];
                // Strictly cheaper only: ties keep the chain as it is.
                if (cost < best[j] - 1e-9 * best[j] || (i == j - 1 && cost <= best[j])) {
                    best[j] = cost;
                    cut[j] = i;
                }
            }
        }
        List<int[]> segments = new ArrayList<>();
        for (int j = k; j > 0; j = cut[j]) {
            segments.add(0, new int[] {cut[j], j - 1});
        }
        return segments;
    }

    /** The cheapest split of the chain; a segment of one conv stays as it is. */
    private Split split(List<Node> chain, List<ConvLayer> layers) {
        int k = layers.size();
        double[] area = new double[k];
        double a = 1;
        for (int i = 0; i < k; i++) {
            a /= (double) layers.get(i).strides()[0] * layers.get(i).strides()[1];
            area[i] = a;
        }
        // merged[i][j]: segment i..j as one conv, or null when it cannot be composed exactly.
        ConvLayer[][] merged = new ConvLayer[k][k];
        for (int i = 0; i < k; i++) {
            merged[i][i] = layers.get(i);
            for (int j = i + 1; j < k && merged[i][j - 1] != null; j++) {
                merged[i][j] =
                        ConvComposition.compose(merged[i][j - 1], layers.get(j)).orElse(null);
            }
        }
        long[] x = context.pricingDims(chain.get(0).input(0));
        // Input [n, h, w] of each conv of the chain, for the cost model; null: price by weights x area.
        int[][] inputs = null;
        if (x != null && x.length == 4) {
            inputs = new int[k][];
            int h = (int) x[2], w = (int) x[3];
            for (int i = 0; i < k; i++) {
                inputs[i] = new int[] {(int) x[0], h, w};
                Layer.Conv c = Layer.Conv.of(layers.get(i), (int) x[0], h, w);
                h = c.outH();
                w = c.outW();
            }
        }
        if (inputs == null) {
            return new Split(byWeights(merged, area, k), merged, "weights x area, the input size being unknown");
        }
        return new Split(
                byCostModel(merged, inputs, k), merged, context.costModel().name());
    }

    private void fuse(List<Node> chain, Split split, GraphIndex index) {
        for (int[] s : split.segments()) {
            if (s[0] == s[1]) {
                continue;
            }
            Node first = chain.get(s[0]);
            Node last = chain.get(s[1]);
            ConvLayer m = split.merged()[s[0]][s[1]];
            Node n = ConvNodes.emit(
                    m,
                    first.input(0),
                    last.output(0),
                    last.name().isEmpty() ? index.freshName(last.output(0).name()) : last.name(),
                    index);
            index.replace(List.copyOf(chain.subList(s[0], s[1] + 1)), List.of(n));
            done.add(n);
            context.applied(n, "merged " + (s[1] - s[0] + 1) + " convs into one (cheaper on " + split.pricedOn() + ")");
        }
    }
}
