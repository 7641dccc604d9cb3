package dev.yard.passes.rewrite;

import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What a rewrite needs to know before it replaces nodes of one graph, kept current across its
 * edits: who reads what, which nodes are in the graph, and which names are taken anywhere in
 * the model, so that new values and nodes get fresh ones. Edits go through it (replace, set
 * an input, remove), each costing what it touches rather than the graph's size, and it keeps
 * a log of the nodes they touched for the {@link RewriteDriver}'s worklist.
 */
public final class GraphIndex {
    private final Graph graph;
    private final Uses uses;
    private final Set<Node> present = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<String> names = new HashSet<>();
    /** Where the last edit was: positions are looked for from there outwards, as rewrites tend to stay close. */
    private int hint;

    private final List<Node> touched = new ArrayList<>();

    public GraphIndex(Model model, Graph graph) {
        this.graph = graph;
        this.uses = Uses.of(graph);
        present.addAll(graph.nodes());
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

    public Graph graph() {
        return graph;
    }

    /** Whether {@code n} is (still) a node of the graph. */
    public boolean contains(Node n) {
        return present.contains(n);
    }

    /** Nodes reading {@code v} (once per read). */
    public List<Node> users(Value v) {
        return uses.readers(v);
    }

    public boolean isGraphOutput(Value v) {
        return uses.isGraphOutput(v);
    }

    /** Reads of {@code v} by nodes, plus one if it is a graph output. */
    public int useCount(Value v) {
        return uses.count(v);
    }

    /** True when {@code v} is read exactly once, by {@code node}, and is not a graph output. */
    public boolean onlyReadBy(Value v, Node node) {
        return uses.onlyReadBy(v, node);
    }

    /** The single node reading {@code v}, if exactly one node reads it once and it is not a graph output. */
    public Node soleUser(Value v) {
        return uses.soleReader(v);
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
        int at = -1;
        for (Node n : old) {
            at = Math.max(at, positionOf(n));
        }
        insertAndRemove(at + 1, old, replacement);
    }

    /**
     * Replaces {@code old} by {@code replacement}, placed where the first of {@code old} stood:
     * right for siblings, whose outputs may be read before the last of them.
     */
    public void replaceAtFirst(List<Node> old, List<Node> replacement) {
        int at = Integer.MAX_VALUE;
        for (Node n : old) {
            at = Math.min(at, positionOf(n));
        }
        insertAndRemove(at, old, replacement);
    }

    /** Removes {@code n}, whose outputs nothing reads any more. */
    public void remove(Node n) {
        insertAndRemove(positionOf(n), List.of(n), List.of());
    }

    /** Makes input {@code i} of {@code n} read {@code v} ({@code i} may be the next free position). */
    public void setInput(Node n, int i, Value v) {
        uses.remove(n);
        if (i == n.inputs().size()) {
            n.addInput(v);
        } else {
            n.setInput(i, v);
        }
        uses.add(n);
        touched.add(n);
        if (v != null && v.producer() != null) {
            touched.add(v.producer());
        }
    }

    /** The nodes edits touched since the last call (new nodes, nodes whose inputs changed, their neighbours). */
    List<Node> drainTouched() {
        List<Node> t = List.copyOf(touched);
        touched.clear();
        return t;
    }

    private void insertAndRemove(int at, List<Node> old, List<Node> replacement) {
        List<Node> nodes = graph.nodes();
        nodes.addAll(at, replacement);
        for (Node n : old) {
            int p = positionOf(n);
            nodes.remove(p);
            present.remove(n);
            uses.remove(n);
        }
        for (Node n : replacement) {
            present.add(n);
            uses.add(n);
        }
        // The new nodes first: the driver tries them next, so a chain is rewritten from where it starts.
        touched.addAll(replacement);
        for (Node n : replacement) {
            touchNeighbours(n);
        }
        for (Node n : old) {
            touchNeighbours(n);
        }
        hint = Math.max(0, Math.min(at, nodes.size() - 1));
    }

    /** Producers of what {@code n} reads and readers of what it writes: where a new match may start. */
    private void touchNeighbours(Node n) {
        for (Value v : n.inputs()) {
            if (v != null && v.producer() != null && present.contains(v.producer())) {
                touched.add(v.producer());
            }
        }
        for (Value v : n.outputs()) {
            if (v != null) {
                touched.addAll(uses.readers(v));
            }
        }
    }

    /** {@code nodes} (all in the graph) in the order they stand in it. */
    public List<Node> inGraphOrder(List<Node> nodes) {
        java.util.Map<Node, Integer> at = new IdentityHashMap<>();
        for (Node n : nodes) {
            at.put(n, positionOf(n));
        }
        return nodes.stream().sorted(java.util.Comparator.comparingInt(at::get)).toList();
    }

    /** Where {@code n} stands in the node list, looked for outwards from the last edit. */
    private int positionOf(Node n) {
        List<Node> nodes = graph.nodes();
        int size = nodes.size();
        int start = Math.min(hint, size - 1);
        for (int d = 0; d < size; d++) {
            int up = start + d;
            int down = start - d;
            if (up < size && nodes.get(up) == n) {
                return hint = up;
            }
            if (down >= 0 && nodes.get(down) == n) {
                return hint = down;
            }
            if (up >= size && down < 0) {
                break;
            }
        }
        throw new IllegalStateException("node " + n.describe() + " is not in graph " + graph.name());
    }
}
