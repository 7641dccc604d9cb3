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
 * the node holding the subgraph), and graph outputs. {@link GraphIndex} keeps one current
 * across its edits by adding and removing the reads of the nodes it inserts and removes.
 */
public final class Uses {
    private final Map<Value, List<Node>> readers = new IdentityHashMap<>();
    private final Map<Value, Boolean> graphOutputs = new IdentityHashMap<>();

    private Uses() {}

    public static Uses of(Graph g) {
        Uses u = new Uses();
        for (Node n : g.nodes()) {
            u.add(n);
        }
        for (Value v : g.outputs()) {
            u.graphOutputs.put(v, true);
        }
        return u;
    }

    /** Counts the reads of {@code n} (its inputs and what its subgraphs read from outside). */
    void add(Node n) {
        forEachRead(n, v -> readers.computeIfAbsent(v, k -> new ArrayList<>()).add(n));
    }

    /** Forgets the reads of {@code n}, as they were when it was added. */
    void remove(Node n) {
        forEachRead(n, v -> {
            List<Node> r = readers.get(v);
            if (r != null) {
                for (int i = r.size() - 1; i >= 0; i--) {
                    if (r.get(i) == n) {
                        r.remove(i);
                        break;
                    }
                }
                if (r.isEmpty()) {
                    readers.remove(v);
                }
            }
        });
    }

    /** Whether {@code v} is read as a graph output, after the graph's outputs changed. */
    void graphOutput(Value v, boolean output) {
        if (output) {
            graphOutputs.put(v, true);
        } else {
            graphOutputs.remove(v);
        }
    }

    private static void forEachRead(Node n, java.util.function.Consumer<Value> read) {
        for (Value v : n.inputs()) {
            if (v != null) {
                read.accept(v);
            }
        }
        for (Graph sub : n.subgraphs()) {
            subgraphReads(sub, read);
        }
    }

    private static void subgraphReads(Graph sub, java.util.function.Consumer<Value> read) {
        for (Node n : sub.nodes()) {
            for (Value v : n.inputs()) {
                if (v != null) {
                    read.accept(v);
                }
            }
            for (Graph inner : n.subgraphs()) {
                subgraphReads(inner, read);
            }
        }
        for (Value v : sub.outputs()) {
            read.accept(v);
        }
    }

    /** The nodes reading {@code v}, once per read (a node reading it twice appears twice). */
    public List<Node> readers(Value v) {
        List<Node> r = readers.get(v);
        return r == null ? List.of() : List.copyOf(r);
    }

    public boolean isGraphOutput(Value v) {
        return graphOutputs.containsKey(v);
    }

    /** Reads by nodes plus one if it is a graph output. */
    public int count(Value v) {
        List<Node> r = readers.get(v);
        return (r == null ? 0 : r.size()) + (isGraphOutput(v) ? 1 : 0);
    }

    /** True when {@code v} is read exactly once, by {@code node}, and is not a graph output. */
    public boolean onlyReadBy(Value v, Node node) {
        return count(v) == 1 && readers.get(v).get(0) == node;
    }

    /** The one node reading {@code v} once, when {@code v} has no other reader and is not a graph output; else null. */
    public Node soleReader(Value v) {
        List<Node> r = readers.get(v);
        return r != null && r.size() == 1 && !isGraphOutput(v) ? r.get(0) : null;
    }
}
