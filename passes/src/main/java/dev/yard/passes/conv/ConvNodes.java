package dev.yard.passes.conv;

import dev.yard.ir.Attribute;
import dev.yard.ir.Graph;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import dev.yard.passes.rewrite.GraphIndex;
import java.util.ArrayList;
import java.util.List;

/** Makes {@code Conv} nodes (with their weight initializers) from {@link ConvLayer}s. */
public final class ConvNodes {
    private ConvNodes() {
    }

    /**
     * A Conv node computing {@code layer} from {@code input} into {@code output}; its name and
     * its weights' names derive from {@code base}. The weights are added to {@code graph}.
     */
    public static Node emit(ConvLayer layer, Value input, Value output, String base, Graph graph, GraphIndex index) {
        Value w = graph.addInitializer(index.freshName(base + ".weight"), layer.weightTensor());
        List<Value> inputs = new ArrayList<>(List.of(input, w));
        if (layer.bias() != null) {
            inputs.add(graph.addInitializer(index.freshName(base + ".bias"), layer.biasTensor()));
        }
        Node n = new Node(index.freshName(base), "", "Conv", inputs, List.of(output));
        for (Attribute a : layer.attributes()) {
            n.setAttribute(a);
        }
        return n;
    }
}
