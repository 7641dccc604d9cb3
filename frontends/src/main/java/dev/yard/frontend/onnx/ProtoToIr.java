package dev.yard.frontend.onnx;

import ai.onnx.proto.OnnxMl;
import dev.yard.ir.Attribute;
import dev.yard.ir.Function;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import dev.yard.ir.YardException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a parsed {@code ModelProto} into the IR. Node inputs are resolved by name through
 * nested scopes (a subgraph sees its enclosing graphs); nodes are put in topological order,
 * and a cycle or a use of an undefined name is an error that names the node.
 */
final class ProtoToIr {
    private final String source;
    private final ProtoTensors tensors;

    ProtoToIr(String source, ExternalData external) {
        this.source = source;
        this.tensors = new ProtoTensors(source, external);
    }

    Model model(OnnxMl.ModelProto p) {
        Graph g = graph(p.getGraph(), null, "graph");
        Model m = new Model(g);
        m.setIrVersion(p.getIrVersion());
        for (OnnxMl.OperatorSetIdProto op : p.getOpsetImportList()) {
            m.opsetImports().put(op.getDomain(), op.getVersion());
        }
        m.setProducerName(p.getProducerName());
        m.setProducerVersion(p.getProducerVersion());
        m.setDomain(p.getDomain());
        m.setModelVersion(p.getModelVersion());
        m.setDocString(p.getDocString());
        for (OnnxMl.StringStringEntryProto e : p.getMetadataPropsList()) {
            m.metadata().put(e.getKey(), e.getValue());
        }
        for (OnnxMl.FunctionProto f : p.getFunctionsList()) {
            m.functions().add(function(f));
        }
        if (p.getTrainingInfoCount() > 0) {
            throw YardException.badInput(source + ": training_info is not supported");
        }
        return m;
    }

    private Function function(OnnxMl.FunctionProto f) {
        String where = "function " + f.getDomain() + "." + f.getName();
        Graph body = new Graph(f.getName());
        Scope scope = new Scope(null);
        for (String in : f.getInputList()) {
            Value v = new Value(in, null);
            define(scope, v, where);
            body.inputs().add(v);
        }
        Map<String, OnnxMl.ValueInfoProto> infos = new HashMap<>();
        for (OnnxMl.ValueInfoProto vi : f.getValueInfoList()) {
            infos.put(vi.getName(), vi);
        }
        nodes(f.getNodeList(), body, scope, where);
        for (String out : f.getOutputList()) {
            body.outputs().add(lookupOutput(scope, out, where));
        }
        for (Map.Entry<String, OnnxMl.ValueInfoProto> e : infos.entrySet()) {
            Value v = scope.local.get(e.getKey());
            if (v != null && e.getValue().hasType()) {
                v.setType(ProtoTypes.type(e.getValue().getType(), source, e.getKey()));
            }
        }
        Function fn = new Function(f.getDomain(), f.getName(), f.getOverload(), body);
        fn.attributeNames().addAll(f.getAttributeList());
        for (OnnxMl.AttributeProto a : f.getAttributeProtoList()) {
            fn.attributeDefaults().add(attribute(a, scope, where));
        }
        for (OnnxMl.OperatorSetIdProto op : f.getOpsetImportList()) {
            fn.opsetImports().put(op.getDomain(), op.getVersion());
        }
        fn.setDocString(f.getDocString());
        return fn;
    }

    private Graph graph(OnnxMl.GraphProto p, Scope outer, String where) {
        if (p.getSparseInitializerCount() > 0) {
            throw YardException.badInput(source + ": " + where + ": sparse initializers are not supported");
        }
        Graph g = new Graph(p.getName());
        g.setDocString(p.getDocString());
        Scope scope = new Scope(outer);
        String gw = where + (p.getName().isEmpty() ? "" : " '" + p.getName() + "'");
        for (OnnxMl.ValueInfoProto in : p.getInputList()) {
            Value v =
                    new Value(in.getName(), in.hasType() ? ProtoTypes.type(in.getType(), source, in.getName()) : null);
            define(scope, v, gw);
            g.inputs().add(v);
        }
        for (OnnxMl.TensorProto t : p.getInitializerList()) {
            Value v = scope.local.get(t.getName());
            if (t.getName().isEmpty()) {
                throw YardException.badInput(source + ": " + gw + ": an initializer has no name");
            }
            if (v != null && (!g.inputs().contains(v) || v.isInitializer())) {
                throw YardException.badInput(
                        source + ": " + gw + ": initializer '" + t.getName() + "' is defined twice");
            }
            if (v == null) {
                v = new Value(t.getName(), null);
                define(scope, v, gw);
            }
            v.setInitializer(tensors.tensor(t, t.getName()));
            g.initializers().add(v);
        }
        nodes(p.getNodeList(), g, scope, gw);
        for (OnnxMl.ValueInfoProto vi : p.getValueInfoList()) {
            Value v = scope.local.get(vi.getName());
            if (v != null && vi.hasType() && v.producer() != null) {
                v.setType(ProtoTypes.type(vi.getType(), source, vi.getName()));
            }
        }
        for (OnnxMl.ValueInfoProto out : p.getOutputList()) {
            Value v = lookupOutput(scope, out.getName(), gw);
            if (out.hasType() && !v.isInitializer()) {
                v.setType(ProtoTypes.type(out.getType(), source, out.getName()));
            }
            g.outputs().add(v);
        }
        return g;
    }

    private Value lookupOutput(Scope scope, String name, String where) {
        Value v = scope.find(name);
        if (v == null) {
            throw YardException.badInput(
                    source + ": " + where + ": output '" + name + "' is not defined by any node, input or initializer");
        }
        return v;
    }

    private void define(Scope scope, Value v, String where) {
        if (v.name().isEmpty()) {
            throw YardException.badInput(source + ": " + where + ": a value has an empty name");
        }
        if (scope.local.containsKey(v.name())) {
            throw YardException.badInput(source + ": " + where + ": '" + v.name() + "' is defined twice");
        }
        scope.local.put(v.name(), v);
    }

    /**
     * Two passes: first every node's outputs are defined, so that inputs can be resolved
     * whatever the file order; then inputs and attributes are resolved and the nodes sorted.
     */
    private void nodes(List<OnnxMl.NodeProto> protos, Graph g, Scope scope, String where) {
        List<Node> made = new ArrayList<>(protos.size());
        for (OnnxMl.NodeProto np : protos) {
            List<Value> outs = new ArrayList<>();
            for (String o : np.getOutputList()) {
                if (o.isEmpty()) {
                    outs.add(null);
                    continue;
                }
                Value v = new Value(o, null);
                if (scope.local.containsKey(o)) {
                    throw YardException.badInput(source + ": " + where + ": node " + describe(np) + " defines '" + o
                            + "', which is already defined");
                }
                scope.local.put(o, v);
                outs.add(v);
            }
            Node n = new Node(np.getName(), np.getDomain(), np.getOpType(), List.of(), outs);
            n.setDocString(np.getDocString());
            made.add(n);
        }
        for (int i = 0; i < protos.size(); i++) {
            OnnxMl.NodeProto np = protos.get(i);
            Node n = made.get(i);
            for (String in : np.getInputList()) {
                if (in.isEmpty()) {
                    n.addInput(null);
                    continue;
                }
                Value v = scope.find(in);
                if (v == null) {
                    throw YardException.badInput(source + ": " + where + ": node " + describe(np) + " reads '" + in
                            + "', which no node, input or initializer defines");
                }
                n.addInput(v);
            }
            for (OnnxMl.AttributeProto a : np.getAttributeList()) {
                n.setAttribute(attribute(a, scope, where + ", node " + describe(np)));
            }
        }
        g.nodes().addAll(TopologicalOrder.sort(made, source + ": " + where));
    }

    private Attribute attribute(OnnxMl.AttributeProto a, Scope scope, String where) {
        return new ProtoAttributes(source, tensors, (gp, name) -> graph(gp, scope, where + ", attribute " + name))
                .attribute(a, where);
    }

    static String describe(OnnxMl.NodeProto np) {
        String op = np.getDomain().isEmpty() ? np.getOpType() : np.getDomain() + "." + np.getOpType();
        if (!np.getName().isEmpty()) {
            return op + " \"" + np.getName() + "\"";
        }
        return np.getOutputCount() > 0 ? op + " (output " + np.getOutput(0) + ")" : op;
    }

    /** Names visible in one graph, chained to the enclosing graph's scope. */
    private static final class Scope {
        final Scope parent;
        final Map<String, Value> local = new HashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        Value find(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                Value v = s.local.get(name);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
    }
}
