package dev.yard.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds small graphs for tests: values by name, shapes written as text ("N,3,?,224": numbers
 * are known sizes, names are symbols, "?" is unknown, "*" is an unknown rank).
 */
public final class TestGraph {
    private final Graph graph;
    private final Map<String, Value> values = new HashMap<>();
    private int counter;

    public TestGraph() {
        this(new Graph("test"));
    }

    public TestGraph(Graph graph) {
        this.graph = graph;
    }

    public Graph graph() {
        return graph;
    }

    public Model model(long opset) {
        Model m = new Model(graph);
        m.opsetImports().put("", opset);
        return m;
    }

    /** A shape from text; null for "*". */
    public static Shape shape(String text) {
        if (text.equals("*")) {
            return null;
        }
        List<Dim> dims = new ArrayList<>();
        if (!text.isEmpty()) {
            for (String s : text.split(",")) {
                s = s.trim();
                if (s.equals("?")) {
                    dims.add(Dim.UNKNOWN);
                } else if (Character.isDigit(s.charAt(0))) {
                    dims.add(Dim.of(Long.parseLong(s)));
                } else {
                    dims.add(Dim.symbol(s));
                }
            }
        }
        return new Shape(dims);
    }

    public static ValueType.TensorType type(ElementType e, String shape) {
        return ValueType.tensor(e, shape(shape));
    }

    public Value input(String name, ElementType e, String shape) {
        Value v = new Value(name, type(e, shape));
        graph.inputs().add(v);
        values.put(name, v);
        return v;
    }

    public Value input(String name, String shape) {
        return input(name, ElementType.FLOAT, shape);
    }

    public Value init(String name, Tensor t) {
        Value v = graph.addInitializer(name, t);
        values.put(name, v);
        return v;
    }

    /** A 1-D int64 initializer. */
    public Value constInts(String name, long... v) {
        return init(name, Tensor.ofLongs(new long[] {v.length}, v));
    }

    /** A float initializer of the given dims filled with zeros. */
    public Value weights(String name, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return init(name, Tensor.ofFloats(dims, new float[(int) n]));
    }

    /**
     * Adds a node reading the comma-separated {@code inputs} (an empty entry is an omitted
     * input; unknown names become fresh untyped values) and defining {@code outputs}.
     */
    public Node node(String op, String inputs, String outputs, Attribute... attrs) {
        List<Value> ins = new ArrayList<>();
        if (!inputs.isEmpty()) {
            for (String s : inputs.split(",", -1)) {
                s = s.trim();
                ins.add(s.isEmpty() ? null : values.computeIfAbsent(s, k -> new Value(k, null)));
            }
        }
        List<Value> outs = new ArrayList<>();
        for (String s : outputs.split(",", -1)) {
            s = s.trim();
            if (s.isEmpty()) {
                outs.add(null);
                continue;
            }
            // A name read before this definition (a test of misordering) becomes this output.
            Value earlier = values.get(s);
            boolean placeholder = earlier != null
                    && earlier.producer() == null
                    && !earlier.isInitializer()
                    && !graph.inputs().contains(earlier);
            Value v = placeholder ? earlier : new Value(s, null);
            values.put(s, v);
            outs.add(v);
        }
        Node n = new Node(op.toLowerCase(java.util.Locale.ROOT) + (counter++), "", op, ins, outs);
        for (Attribute a : attrs) {
            n.setAttribute(a);
        }
        graph.nodes().add(n);
        return n;
    }

    /** Adds a node built by hand, making its outputs known by name. */
    public Node add(Node n) {
        graph.nodes().add(n);
        for (Value v : n.outputs()) {
            if (v != null) {
                values.put(v.name(), v);
            }
        }
        return n;
    }

    public void output(String... names) {
        for (String s : names) {
            graph.outputs().add(values.get(s));
        }
    }

    public Value value(String name) {
        return values.get(name);
    }

    public static Attribute ints(String name, long... v) {
        return Attribute.of(name, v);
    }

    public static Attribute i(String name, long v) {
        return Attribute.of(name, v);
    }

    public static Attribute f(String name, float v) {
        return Attribute.of(name, v);
    }

    public static Attribute s(String name, String v) {
        return Attribute.of(name, v);
    }
}
