package dev.yard.ir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataflow graph: inputs, initializers, nodes in topological order, outputs. Subgraphs (the
 * bodies of If, Loop and Scan) are graphs too; their nodes may read values of enclosing
 * graphs.
 */
public final class Graph {
    private String name;
    private String docString = "";
    private final List<Value> inputs = new ArrayList<>();
    private final List<Value> outputs = new ArrayList<>();
    private final List<Value> initializers = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    public Graph(String name) {
        this.name = name == null ? "" : name;
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String docString() {
        return docString;
    }

    public void setDocString(String docString) {
        this.docString = docString == null ? "" : docString;
    }

    /** Graph inputs, in order; an input may also be an initializer (a default the caller can override). */
    public List<Value> inputs() {
        return inputs;
    }

    public List<Value> outputs() {
        return outputs;
    }

    /** Values with constant contents, in file order. */
    public List<Value> initializers() {
        return initializers;
    }

    /** Nodes in topological order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** Creates an initializer value holding {@code t}. */
    public Value addInitializer(String name, Tensor t) {
        Value v = new Value(name, null);
        v.setInitializer(t);
        initializers.add(v);
        return v;
    }

    /** Every value defined in this graph (not its subgraphs), by name, in definition order. */
    public Map<String, Value> valuesByName() {
        Map<String, Value> m = new LinkedHashMap<>();
        for (Value v : inputs) {
            m.put(v.name(), v);
        }
        for (Value v : initializers) {
            m.put(v.name(), v);
        }
        for (Node n : nodes) {
            for (Value v : n.outputs()) {
                if (v != null) {
                    m.put(v.name(), v);
                }
            }
        }
        return m;
    }

    /** Total number of nodes, including those in subgraphs. */
    public int nodeCountDeep() {
        int c = 0;
        for (Node n : nodes) {
            c++;
            for (Graph g : n.subgraphs()) {
                c += g.nodeCountDeep();
            }
        }
        return c;
    }

    @Override
    public String toString() {
        return "graph " + name + " (" + nodes.size() + " nodes)";
    }
}
