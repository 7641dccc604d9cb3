package dev.yard.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole model: the main graph, the operator sets it imports, model-local functions, and the
 * metadata ONNX carries alongside.
 */
public final class Model {
    private long irVersion = 8;
    private final Map<String, Long> opsetImports = new LinkedHashMap<>();
    private String producerName = "";
    private String producerVersion = "";
    private String domain = "";
    private long modelVersion;
    private String docString = "";
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Function> functions = new ArrayList<>();
    private Graph graph;

    public Model(Graph graph) {
        this.graph = graph;
    }

    public Graph graph() {
        return graph;
    }

    public void setGraph(Graph graph) {
        this.graph = graph;
    }

    public long irVersion() {
        return irVersion;
    }

    public void setIrVersion(long irVersion) {
        this.irVersion = irVersion;
    }

    /** Imported operator sets: domain ("" for the default one) to version, in file order. */
    public Map<String, Long> opsetImports() {
        return opsetImports;
    }

    /** The default-domain opset version, or 0 when the model imports none. */
    public long defaultOpset() {
        Long v = opsetImports.get("");
        if (v == null) {
            v = opsetImports.get("ai.onnx");
        }
        return v == null ? 0 : v;
    }

    public String producerName() {
        return producerName;
    }

    public void setProducerName(String producerName) {
        this.producerName = producerName == null ? "" : producerName;
    }

    public String producerVersion() {
        return producerVersion;
    }

    public void setProducerVersion(String producerVersion) {
        this.producerVersion = producerVersion == null ? "" : producerVersion;
    }

    public String domain() {
        return domain;
    }

    public void setDomain(String domain) {
        this.domain = domain == null ? "" : domain;
    }

    public long modelVersion() {
        return modelVersion;
    }

    public void setModelVersion(long modelVersion) {
        this.modelVersion = modelVersion;
    }

    public String docString() {
        return docString;
    }

    public void setDocString(String docString) {
        this.docString = docString == null ? "" : docString;
    }

    /** Metadata properties (key to value), in file order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public List<Function> functions() {
        return functions;
    }

    /**
     * A copy whose graphs, nodes and values are new, so that rewriting it leaves this model as
     * it was; tensors, types and functions, which passes replace rather than change, are shared.
     * Much cheaper than printing and reading back a model with large weights.
     */
    public Model copy() {
        Model m = new Model(copy(graph, new IdentityHashMap<>()));
        m.irVersion = irVersion;
        m.opsetImports.putAll(opsetImports);
        m.producerName = producerName;
        m.producerVersion = producerVersion;
        m.domain = domain;
        m.modelVersion = modelVersion;
        m.docString = docString;
        m.metadata.putAll(metadata);
        m.functions.addAll(functions);
        return m;
    }

    /** A copy of {@code g}; {@code copies} maps the values already copied, the enclosing graphs' included. */
    private static Graph copy(Graph g, Map<Value, Value> copies) {
        Graph c = new Graph(g.name());
        c.setDocString(g.docString());
        for (Value v : g.initializers()) {
            c.initializers().add(copy(v, copies));
        }
        for (Value v : g.inputs()) {
            c.inputs().add(copy(v, copies));
        }
        for (Node n : g.nodes()) {
            List<Value> ins = new ArrayList<>();
            for (Value v : n.inputs()) {
                ins.add(v == null ? null : copy(v, copies));
            }
            List<Value> outs = new ArrayList<>();
            for (Value v : n.outputs()) {
                outs.add(v == null ? null : copy(v, copies));
            }
            Node k = new Node(n.name(), n.domain(), n.opType(), ins, outs);
            k.setDocString(n.docString());
            for (Attribute a : n.attributes().values()) {
                if (!a.isReference() && a.kind() == Attribute.Kind.GRAPH) {
                    a = new Attribute(a.name(), a.kind(), copy(a.asGraph(), copies), null);
                } else if (!a.isReference() && a.kind() == Attribute.Kind.GRAPHS) {
                    List<Graph> gs = new ArrayList<>();
                    for (Graph sub : a.asGraphs()) {
                        gs.add(copy(sub, copies));
                    }
                    a = new Attribute(a.name(), a.kind(), List.copyOf(gs), null);
                }
                k.setAttribute(a);
            }
            c.nodes().add(k);
        }
        for (Value v : g.outputs()) {
            c.outputs().add(copy(v, copies));
        }
        return c;
    }

    private static Value copy(Value v, Map<Value, Value> copies) {
        return copies.computeIfAbsent(v, x -> {
            Value c = new Value(x.name(), x.type());
            if (x.isInitializer()) {
                c.setInitializer(x.initializer());
                c.setType(x.type());
            }
            return c;
        });
    }
}
