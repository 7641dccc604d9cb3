package dev.yard.ir;

import java.util.ArrayList;
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
}
