package dev.yard.passes.fuse;

import dev.yard.ir.Attribute;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.PassContext;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.conv.ConvNodes;
import dev.yard.passes.rewrite.GraphIndex;
import dev.yard.passes.rewrite.RewriteRule;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Horizontal fusion in {@code fuse-1x1}: 1x1 convs that read the same tensor (the first
 * factors of sibling chains, or the branches of an inception block) become one conv with all
 * their output channels, followed by a Split that hands each former conv its channels. Same
 * arithmetic, one weight read of the input instead of several.
 */
final class SiblingConvs implements RewriteRule {
    private final Model model;
    private final PassContext context;

    SiblingConvs(Model model, PassContext context) {
        this.model = model;
        this.context = context;
    }

    @Override
    public Set<String> rootOps() {
        return Set.of("Conv");
    }

    /**
     * Matched at a fusable 1x1 conv: it and the others reading the same tensor whose weights
     * share its element type (others stay apart) merge, in graph order.
     */
    @Override
    public Match match(Node root, GraphIndex index) {
        ConvLayer first = fusable(root);
        if (first == null) {
            return Match.NONE;
        }
        Map<Node, ConvLayer> layers = new IdentityHashMap<>();
        List<Node> group = new ArrayList<>();
        for (Node n : index.users(root.input(0))) {
            if (n == root || (n.is("Conv") && n.input(0) == root.input(0) && !layers.containsKey(n))) {
                ConvLayer c = n == root ? first : fusable(n);
                if (c != null && c.elementType() == first.elementType()) {
                    layers.put(n, c);
                    group.add(n);
                }
            }
        }
        if (group.size() < 2) {
            return Match.NONE;
        }
        List<Node> ordered = index.inGraphOrder(group);
        return Match.rewrite(() -> merge(model, index, root.input(0), ordered, layers, context));
    }

    /** The conv as a layer when it is a 1x1 conv with group 1 and one output; null otherwise. */
    private static ConvLayer fusable(Node n) {
        if (!n.is("Conv") || n.input(0) == null || n.outputs().size() != 1) {
            return null;
        }
        // A look at the weights' shape first: reading a layer copies its weights, and every
        // conv reading the tensor is looked at for each 1x1 conv that reads it.
        Value w = n.input(1);
        if (w == null || !w.isInitializer() || w.initializer().rank() != 4) {
            return null;
        }
        long[] d = w.initializer().dims();
        if (d[2] != 1 || d[3] != 1) {
            return null;
        }
        ConvLayer c = ConvLayer.read(n).orElse(null);
        return c == null || !c.isPointwise() || c.group() != 1 ? null : c;
    }

    private static void merge(
            Model model,
            GraphIndex index,
            Value input,
            List<Node> convs,
            Map<Node, ConvLayer> layers,
            PassContext context) {
        Graph g = index.graph();
        int in = layers.get(convs.get(0)).in();
        int out = 0;
        boolean anyBias = false;
        for (Node n : convs) {
            out += layers.get(n).out();
            anyBias |= layers.get(n).bias() != null;
        }
        double[] w = new double[out * in];
        double[] b = anyBias ? new double[out] : null;
        long[] sizes = new long[convs.size()];
        int at = 0;
        for (int i = 0; i < convs.size(); i++) {
            ConvLayer c = layers.get(convs.get(i));
            System.arraycopy(c.weights(), 0, w, at * in, c.weights().length);
            if (c.bias() != null) {
                System.arraycopy(c.bias(), 0, b, at, c.out());
            }
            sizes[i] = c.out();
            at += c.out();
        }
        ConvLayer first = layers.get(convs.get(0));
        ConvLayer fused = new ConvLayer(
                out, in, 1, 1, w, b, 1, new int[] {1, 1}, new int[4], new int[] {1, 1}, first.elementType());
        String base = index.freshName(input.name() + "_fused_1x1");
        Value joint = new Value(base, null);
        Node conv = ConvNodes.emit(fused, input, joint, index.freshName(base + "_conv"), index);
        List<Value> outs = convs.stream().map(n -> n.output(0)).toList();
        List<Value> splitInputs = new ArrayList<>(List.of(joint));
        Node split;
        if (model.defaultOpset() >= 13) {
            splitInputs.add(g.addInitializer(
                    index.freshName(base + "_split"), Tensor.ofLongs(new long[] {sizes.length}, sizes)));
            split = new Node(index.freshName(base + "_split"), "", "Split", splitInputs, outs);
        } else {
            split = new Node(index.freshName(base + "_split"), "", "Split", splitInputs, outs);
            split.setAttribute(Attribute.of("split", sizes));
        }
        split.setAttribute(Attribute.of("axis", 1L));
        index.replaceAtFirst(convs, List.of(conv, split));
        context.applied(conv, "merged " + convs.size() + " sibling 1x1 convs reading " + input.name());
    }
}
