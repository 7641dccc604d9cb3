package dev.yard.passes.rewrite;

import dev.yard.ir.Attribute;
import dev.yard.ir.Graph;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import java.util.List;

/** Small graph edits that passes share. */
public final class Rewrites {
    private Rewrites() {}

    /** A copy of {@code n} (name, domain, op, inputs, attributes) that defines {@code outputs} instead. */
    public static Node withOutputs(Node n, List<Value> outputs) {
        Node copy = new Node(n.name(), n.domain(), n.opType(), n.inputs(), outputs);
        for (Attribute a : n.attributes().values()) {
            copy.setAttribute(a);
        }
        copy.setDocString(n.docString());
        return copy;
    }

    /**
     * Gives {@code v} new contents, in place when only {@code user} reads it (the name stays),
     * else as a new initializer named after it, which is returned for the caller to wire in.
     */
    public static Value replaceContents(GraphIndex index, Value v, Node user, Tensor contents) {
        Graph g = index.graph();
        if (index.onlyReadBy(v, user) && !g.inputs().contains(v)) {
            v.setInitializer(contents);
            return v;
        }
        return g.addInitializer(index.freshName(v.name()), contents);
    }

    /** True for an initializer the caller cannot override (one that is not also a graph input). */
    public static boolean isConstant(Graph g, Value v) {
        return v != null && v.isInitializer() && !g.inputs().contains(v);
    }

    /** Makes every read of {@code old} in {@code g} (its nodes, its subgraphs, its outputs) read {@code replacement}. */
    public static void replaceAllUses(Graph g, Value old, Value replacement) {
        for (Node n : g.nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                if (n.input(i) == old) {
                    n.setInput(i, replacement);
                }
            }
            for (Graph sub : n.subgraphs()) {
                replaceAllUses(sub, old, replacement);
            }
        }
        g.outputs().replaceAll(v -> v == old ? replacement : v);
    }
}
