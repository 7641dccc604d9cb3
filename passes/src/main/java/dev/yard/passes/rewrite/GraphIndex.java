package dev.yard.passes.rewrite;

import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who reads what in one graph, and which names are taken in the whole model: what a rewrite
 * needs to know before it replaces nodes. A value read by a subgraph counts as used by the
 * node that holds the subgraph; a graph output counts as a use that cannot be rewritten.
 */
public final class GraphIndex {
    private final Graph graph;
    private final Map<Value, List<Node>> users = new IdentityHashMap<>();
    private final Set<Value> outputs;
    private final Set<String> names = new HashSet<>();

    public GraphIndex(Model model, Graph graph) {
        this.graph = graph;
        this.outputs = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        this.outputs.addAll(graph.outputs());
        for (Node n : graph.nodes()) {
            for (Value v : reads(n)) {
                users.computeIfAbsent(v, k -> new ArrayList<>()).add(n);
            }
        }
        collectNames(model.graph());
    }

    private void collectNames(Graph g) {
        for (Value v : g.valuesByName().values()) {
            names.add(v.name());
        }
        for (Node n : g.nodes()) {
            if (!n.name().isEmpty()) {
                names.add(n.name());
            }
            n.subgraphs().forEach(this::collectNames);
        }
    }

    /** Nodes reading {@code v} (each once per read). */
    public List<Node> users(Value v) {
        return users.getOrDefault(v, List.of());
    }

    public boolean isGraphOutput(Value v) {
        return outputs.contains(v);
    }

    /** The single node reading {@code v}, if it is read by exactly one node and is not a graph output. */
    public Node soleUser(Value v) {
        List<Node> u = users(v);
        return u.size() == 1 && !isGraphOutput(v) ? u.get(0) : null;
    }

    /** A value or node name not yet used anywhere in the model, based on {@code base}. */
    public String freshName(String base) {
        String b = base.isEmpty() ? "v" : base;
        if (names.add(b)) {
            return b;
        }
        for (int i = 1; ; i++) {
            String n = b + "_" + i;
            if (names.add(n)) {
                return n;
            }
        }
    }

    /**
     * Replaces {@code old} by {@code replacement}, placed where the last of {@code old} stood:
     * right for a chain, whose replacement reads what the first read and is read after the last.
     */
    public void replace(List<Node> old, List<Node> replacement) {
        List<Node> nodes = graph.nodes();
        int at = -1;
        for (Node n : old) {
            at = Math.max(at, nodes.indexOf(n));
        }
        nodes.addAll(at + 1, replacement);
        removeAndReindex(old);
    }

    /**
     * Replaces {@code old} by {@code replacement}, placed where the first of {@code old} stood:
     * right for siblings, whose outputs may be read before the last of them.
     */
    public void replaceAtFirst(List<Node> old, List<Node> replacement) {
        List<Node> nodes = graph.nodes();
        int at = Integer.MAX_VALUE;
        for (Node n : old) {
            at = Math.min(at, nodes.indexOf(n));
        }
        nodes.addAll(at, replacement);
        removeAndReindex(old);
    }

    private void removeAndReindex(List<Node> old) {
        List<Node> nodes = graph.nodes();
        nodes.removeAll(old);
        users.clear();
        for (Node n : nodes) {
            for (Value v : reads(n)) {
                users.computeIfAbsent(v, k -> new ArrayList<>()).add(n);
            }
        }
    }

    private static List<Value> reads(Node n) {
        List<Value> r = new ArrayList<>();
        for (Value v : n.inputs()) {
            if (v != null) {
                r.add(v);
            }
        }
        for (Graph sub : n.subgraphs()) {
            collectOuterReads(sub, r);
        }
        return r;
    }

    private static void collectOuterReads(Graph g, List<Value> out) {
        for (Node n : g.nodes()) {
            out.addAll(reads(n));
        }
        out.addAll(g.outputs());
    }
}
