package dev.yard.passes.rewrite;

import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a rewrite needs to know before it replaces nodes of one graph: who reads what (kept
 * current across replacements) and which names are taken anywhere in the model, so that new
 * values and nodes get fresh ones.
 */
public final class GraphIndex {
    private final Graph graph;
    private Uses uses;
    private final Set<String> names = new HashSet<>();

    public GraphIndex(Model model, Graph graph) {
        this.graph = graph;
        this.uses = Uses.of(graph);
        collectNames(model.graph());
    }

    private void collectNames(Graph g) {
        names.addAll(g.valuesByName().keySet());
        for (Node n : g.nodes()) {
            if (!n.name().isEmpty()) {
                names.add(n.name());
            }
            n.subgraphs().forEach(this::collectNames);
        }
    }

    /** Nodes reading {@code v} (once per read). */
    public List<Node> users(Value v) {
        return uses.readers(v);
    }

    public boolean isGraphOutput(Value v) {
        return uses.isGraphOutput(v);
    }

    /** The single node reading {@code v}, if exactly one node reads it once and it is not a graph output. */
    public Node soleUser(Value v) {
        return uses.count(v) == 1 && !uses.readers(v).isEmpty() ? uses.readers(v).get(0) : null;
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
        graph.nodes().removeAll(old);
        uses = Uses.of(graph);
    }
}
