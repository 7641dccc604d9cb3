package dev.yard.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator application. Omitted optional inputs and outputs are null entries, as the
 * empty name is in ONNX.
 */
public final class Node {
    private String name;
    private String opType;
    private String domain;
    private final List<Value> inputs;
    private final List<Value> outputs;
    private final Map<String, Attribute> attributes = new LinkedHashMap<>();
    private String docString = "";

    public Node(String name, String domain, String opType, List<Value> inputs, List<Value> outputs) {
        this.name = name == null ? "" : name;
        this.domain = domain == null ? "" : domain;
        this.opType = opType;
        this.inputs = new ArrayList<>(inputs);
        this.outputs = new ArrayList<>(outputs);
        for (Value v : outputs) {
            if (v != null) {
                v.setProducer(this);
            }
        }
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String opType() {
        return opType;
    }

    /** The operator domain; "" is the default ONNX domain ({@code ai.onnx}). */
    public String domain() {
        return domain;
    }

    public boolean isDefaultDomain() {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    /** True when this is the default-domain operator {@code op}. */
    public boolean is(String op) {
        return opType.equals(op) && isDefaultDomain();
    }

    public List<Value> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<Value> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** Input {@code i}, or null when absent or omitted. */
    public Value input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    public Value output(int i) {
        return i < outputs.size() ? outputs.get(i) : null;
    }

    public void setInput(int i, Value v) {
        inputs.set(i, v);
    }

    public void addInput(Value v) {
        inputs.add(v);
    }

    public Map<String, Attribute> attributes() {
        return Collections.unmodifiableMap(attributes);
    }

    public Attribute attribute(String name) {
        return attributes.get(name);
    }

    public void setAttribute(Attribute a) {
        attributes.put(a.name(), a);
    }

    public void removeAttribute(String name) {
        attributes.remove(name);
    }

    public long intAttr(String name, long dflt) {
        Attribute a = attributes.get(name);
        return a == null || a.isReference() ? dflt : a.asLong();
    }

    public float floatAttr(String name, float dflt) {
        Attribute a = attributes.get(name);
        return a == null || a.isReference() ? dflt : a.asFloat();
    }

    public String stringAttr(String name, String dflt) {
        Attribute a = attributes.get(name);
        return a == null || a.isReference() ? dflt : a.asString();
    }

    /** An INTS attribute, or null when absent. */
    public long[] intsAttr(String name) {
        Attribute a = attributes.get(name);
        return a == null || a.isReference() ? null : a.asLongs();
    }

    public String docString() {
        return docString;
    }

    public void setDocString(String docString) {
        this.docString = docString == null ? "" : docString;
    }

    /** Subgraphs held by GRAPH and GRAPHS attributes, in attribute order. */
    public List<Graph> subgraphs() {
        List<Graph> out = new ArrayList<>();
        for (Attribute a : attributes.values()) {
            if (a.isReference()) {
                continue;
            }
            if (a.kind() == Attribute.Kind.GRAPH) {
                out.add(a.asGraph());
            } else if (a.kind() == Attribute.Kind.GRAPHS) {
                out.addAll(a.asGraphs());
            }
        }
        return out;
    }

    /** A short description for messages: {@code Conv "conv1"}. */
    public String describe() {
        String op = isDefaultDomain() ? opType : domain + "." + opType;
        if (!name.isEmpty()) {
            return op + " \"" + name + "\"";
        }
        Value first = outputs.stream().filter(v -> v != null).findFirst().orElse(null);
        return first == null ? op : op + " (output " + first.name() + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
