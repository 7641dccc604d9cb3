package dev.yard.passes.fuse;

import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.PassContext;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.conv.ConvNodes;
import dev.yard.passes.rewrite.GraphIndex;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Horizontal fusion in {@code fuse-1x1}: 1x1 convs that read the same tensor (the first
 * factors of sibling chains, or the branches of an inception block) become one conv with all
 * their output channels, followed by a Split that hands each former conv its channels. Same
 * arithmetic, one weight read of the input instead of several.
 */
final class SiblingConvs {
    private SiblingConvs() {
    }

    static boolean run(Model model, Graph g, GraphIndex index, PassContext context) {
        Map<Value, List<Node>> byInput = new LinkedHashMap<>();
        Map<Node, ConvLayer> layers = new IdentityHashMap<>();
        String[] why = new String[1];
        for (Node n : g.nodes()) {
            if (!n.is("Conv") || n.input(0) == null || n.outputs().size() != 1) {
                continue;
            }
            ConvLayer c = ConvLayer.of(n, why);
            if (c == null || !c.isPointwise() || c.group() != 1) {
                continue;
            }
            layers.put(n, c);
            byInput.computeIfAbsent(n.input(0), k -> new ArrayList<>()).add(n);
        }
        boolean changed = false;
        for (Map.Entry<Value, List<Node>> e : byInput.entrySet()) {
            List<Node> group = sameType(e.getValue(), layers);
            if (group.size() < 2) {
                continue;
            }
            merge(model, g, index, e.getKey(), group, layers, context);
            changed = true;
        }
        return changed;
    }

    /** The convs whose weights share the first conv's element type (others stay apart). */
    private static List<Node> sameType(List<Node> convs, Map<Node, ConvLayer> layers) {
        ElementType t = layers.get(convs.get(0)).elementType();
        return convs.stream().filter(n -> layers.get(n).elementType() == t).toList();
    }

    private static void merge(Model model, Graph g, GraphIndex index, Value input, List<Node> convs,
                              Map<Node, ConvLayer> layers, PassContext context) {
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
        ConvLayer fused = new ConvLayer(out, in, 1, 1, w, b, 1, new int[] {1, 1}, new int[4], new int[] {1, 1},
                first.elementType());
        String base = index.freshName(input.name() + "_fused_1x1");
        Value joint = new Value(base, null);
        Node conv = ConvNodes.emit(fused, input, joint, index.freshName(base + "_conv"), g, index);
        List<Value> outs = convs.stream().map(n -> n.output(0)).toList();
        List<Value> splitInputs = new ArrayList<>(List.of(joint));
        Node split;
        if (model.defaultOpset() >= 13) {
            splitInputs.add(g.addInitializer(index.freshName(base + "_split"), Tensor.ofLongs(new long[] {sizes.length},
                    sizes)));
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
