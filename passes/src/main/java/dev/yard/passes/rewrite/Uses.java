package dev.yard.passes.rewrite;

import dev.yard.ir.Graph;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who reads each value of a graph: node inputs, reads from inside subgraphs (attributed to
 * the node holding the subgraph), and graph outputs. A snapshot: rebuild it after a rewrite.
 */
public final class Uses {
    private final Map<Value, List<Node>> readers = new IdentityHashMap<>();
    private final Map<Value, Boolean> graphOutputs = new IdentityHashMap<>();

    private Uses() {
    }

    public static Uses of(Graph g) {
        Uses u = new Uses();
        for (Node n : g.nodes()) {
            for (Value v : n.inputs()) {
                if (v != null) {
                    u.readers.computeIfAbsent(v, k -> new ArrayList<>()).add(n);
                }
            }
            for (Graph sub : n.subgraphs()) {
                u.collectSubgraphReads(sub, n);
            }
        }
        for (Value v : g.outputs()) {
            u.graphOutputs.put(v, true);
        }
        return u;
    }

    private void collectSubgraphReads(Graph sub, Node holder) {
        for (Node n : sub.nodes()) {
            for (Value v : n.inputs()) {
                if (v != null) {
                    readers.computeIfAbsent(v, k -> new ArrayList<>()).add(holder);
                }
            }
            for (Graph inner : n.subgraphs()) {
                collectSubgraphReads(inner, holder);
            }
        }
        for (Value v : sub.outputs()) {
            readers.computeIfAbsent(v, k -> new ArrayList<>()).add(holder);
        }
    }

    /** The nodes reading {@code v}, once per read (a node reading it twice appears twice). */
    public List<Node> readers(Value v) {
        return readers.getOrDefault(v, List.of());
    }

    public boolean isGraphOutput(Value v) {
        return graphOutputs.containsKey(v);
    }

    /** Reads by nodes plus one if it is a graph output. */
    public int count(Value v) {
        return readers(v).size() + (isGraphOutput(v) ? 1 : 0);
    }

    /** True when {@code v} is read exactly once, by {@code node}, and is not a graph output. */
    public boolean onlyReadBy(Value v, Node node) {
        return count(v) == 1 && readers(v).get(0) == node;
    }
}
