package dev.yard.ir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model-local function (ONNX {@code FunctionProto}): an operator defined by a body graph,
 * called by nodes whose domain and op type match its domain and name. Its formal inputs and
 * outputs are the body's inputs and outputs; attribute parameters are listed by name, with
 * defaults where the file gives them.
 */
public final class Function {
    private final String domain;
    private final String name;
    private final String overload;
    private final Graph body;
    private final List<String> attributeNames = new ArrayList<>();
    private final List<Attribute> attributeDefaults = new ArrayList<>();
    private final Map<String, Long> opsetImports = new LinkedHashMap<>();
    private String docString = "";

    public Function(String domain, String name, String overload, Graph body) {
        this.domain = domain == null ? "" : domain;
        this.name = name;
        this.overload = overload == null ? "" : overload;
        this.body = body;
    }

    public String domain() {
        return domain;
    }

    public String name() {
        return name;
    }

    public String overload() {
        return overload;
    }

    public Graph body() {
        return body;
    }

    /** Attribute parameters without defaults. */
    public List<String> attributeNames() {
        return attributeNames;
    }

    /** Attribute parameters with default values. */
    public List<Attribute> attributeDefaults() {
        return attributeDefaults;
    }

    public Map<String, Long> opsetImports() {
        return opsetImports;
    }

    public String docString() {
        return docString;
    }

    public void setDocString(String docString) {
        this.docString = docString == null ? "" : docString;
    }
}
