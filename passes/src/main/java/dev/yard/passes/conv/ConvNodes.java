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
    private ConvNodes() {}

    /**
     * A Conv node named {@code name} computing {@code layer} from {@code input} into
     * {@code output}; its weights, named after it, are added to the index's graph. The caller
     * chooses the node name: reusing the name of a node it replaces keeps the model readable.
     */
    public static Node emit(ConvLayer layer, Value input, Value output, String name, GraphIndex index) {
        Graph graph = index.graph();
        Value w = graph.addInitializer(index.freshName(name + "_weight"), layer.weightTensor());
        List<Value> inputs = new ArrayList<>(List.of(input, w));
        if (layer.bias() != null) {
            inputs.add(graph.addInitializer(index.freshName(name + "_bias"), layer.biasTensor()));
        }
        Node n = new Node(name, "", "Conv", inputs, List.of(output));
        for (Attribute a : layer.attributes()) {
            n.setAttribute(a);
        }
        return n;
    }
}
