package dev.yard.ir.text;

import dev.yard.ir.Attribute;
import dev.yard.ir.Function;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.ir.text.OnnxTextParser.AttributeContext;
import dev.yard.ir.text.OnnxTextParser.FunctionAttributeContext;
import dev.yard.ir.text.OnnxTextParser.FunctionContext;
import dev.yard.ir.text.OnnxTextParser.GraphContext;
import dev.yard.ir.text.OnnxTextParser.HeaderContext;
import dev.yard.ir.text.OnnxTextParser.HeaderEntryContext;
import dev.yard.ir.text.OnnxTextParser.IdListContext;
import dev.yard.ir.text.OnnxTextParser.IdSlotContext;
import dev.yard.ir.text.OnnxTextParser.NameContext;
import dev.yard.ir.text.OnnxTextParser.NodeContext;
import dev.yard.ir.text.OnnxTextParser.PairContext;
import dev.yard.ir.text.OnnxTextParser.ValueDeclContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.Token;

/**
 * Turns a parse tree into IR: resolves names to shared {@link Value} objects scope by scope
 * (a subgraph sees the values its enclosing graphs defined before it), builds the model
 * header, graphs, functions and nodes, and reports the first problem with its position.
 * Attributes are read by {@link AttributeBuilder} and type and tensor literals by
 * {@link LiteralBuilder}; between them they check what the grammar leaves open (known type
 * names, attribute kinds, literal ranges).
 */
final class ModelBuilder {
    private final SourceErrors errors;
    private final LiteralBuilder literals;
    private final AttributeBuilder attributeBuilder;

    ModelBuilder(String source, boolean allowDigests) {
        this.errors = new SourceErrors(source);
        this.literals = new LiteralBuilder(errors, allowDigests);
        this.attributeBuilder = new AttributeBuilder(errors, literals);
    }

    /** Names visible in one graph; a subgraph's scope falls back to its parent's. */
    private static final class Scope {
        final Scope parent;
        final Map<String, Value> local = new HashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        Value lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                Value v = s.local.get(name);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
    }

    Model model(OnnxTextParser.ModelContext c) {
        Model m = new Model(null);
        if (c.header() != null) {
            modelHeader(c.header(), m);
        }
        m.setGraph(graph(c.graph(), null));
        for (FunctionContext f : c.function()) {
            m.functions().add(function(f));
        }
        return m;
    }

    private void modelHeader(HeaderContext c, Model m) {
        Set<String> seen = new HashSet<>();
        for (HeaderEntryContext e : c.headerEntry()) {
            String key = e.key.getText();
            if (!seen.add(key)) {
                throw errors.at(e.key, "'" + key + "' is given twice");
            }
            switch (key) {
                case "ir_version" -> m.setIrVersion(headerInt(e));
                case "opset_import" -> opsets(e, m.opsetImports());
                case "producer_name" -> m.setProducerName(headerString(e));
                case "producer_version" -> m.setProducerVersion(headerString(e));
                case "domain" -> m.setDomain(headerString(e));
                case "model_version" -> m.setModelVersion(headerInt(e));
                case "doc_string" -> m.setDocString(headerString(e));
                case "metadata_props" -> {
                    for (PairContext p : headerPairs(e)) {
                        if (p.STRING().size() != 2) {
                            throw errors.at(p, "a metadata property maps a string to a string");
                        }
                        m.metadata()
                                .put(
                                        TextSyntax.unquote(p.key.getText()),
                                        TextSyntax.unquote(p.STRING(1).getText()));
                    }
                }
                default -> throw errors.at(e.key, "unknown model header key '" + key + "'");
            }
        }
    }

    private long headerInt(HeaderEntryContext e) {
        if (e.headerValue().INT() == null) {
            throw errors.at(e.headerValue(), "'" + e.key.getText() + "' takes an integer");
        }
        return literals.parseLong(e.headerValue().INT().getSymbol());
    }

    private String headerString(HeaderEntryContext e) {
        if (e.headerValue().STRING() == null) {
            throw errors.at(e.headerValue(), "'" + e.key.getText() + "' takes a string");
        }
        return TextSyntax.unquote(e.headerValue().STRING().getText());
    }

    private List<PairContext> headerPairs(HeaderEntryContext e) {
        if (e.headerValue().INT() != null || e.headerValue().STRING() != null) {
            throw errors.at(e.headerValue(), "'" + e.key.getText() + "' takes a list in brackets");
        }
        return e.headerValue().pair();
    }

    private void opsets(HeaderEntryContext e, Map<String, Long> into) {
        for (PairContext p : headerPairs(e)) {
            if (p.INT() == null) {
                throw errors.at(p, "an opset import maps a domain to a version: \"\" : 17");
            }
            into.put(
                    TextSyntax.unquote(p.key.getText()),
                    literals.parseLong(p.INT().getSymbol()));
        }
    }

    private Function function(FunctionContext c) {
        String domain = "";
        String overload = "";
        String doc = "";
        Map<String, Long> opsets = new java.util.LinkedHashMap<>();
        if (c.header() != null) {
            for (HeaderEntryContext e : c.header().headerEntry()) {
                switch (e.key.getText()) {
                    case "domain" -> domain = headerString(e);
                    case "overload" -> overload = headerString(e);
                    case "doc_string" -> doc = headerString(e);
                    case "opset_import" -> opsets(e, opsets);
                    default -> throw errors.at(e.key, "unknown function header key '" + e.key.getText() + "'");
                }
            }
        }
        String name = name(c.name());
        Graph body = new Graph(name);
        Scope scope = new Scope(null);
        for (ValueDeclContext d : c.inputs.valueDecl()) {
            if (d.tensorData() != null) {
                throw errors.at(d.tensorData(), "a function input cannot have a default value");
            }
            body.inputs().add(define(scope, d.name(), d.type() == null ? null : literals.type(d.type())));
        }
        Function f = new Function(domain, name, overload, body);
        f.setDocString(doc);
        f.opsetImports().putAll(opsets);
        if (c.functionAttributes() != null) {
            for (FunctionAttributeContext a : c.functionAttributes().functionAttribute()) {
                if (a.name() != null) {
                    f.attributeNames().add(name(a.name()));
                } else {
                    f.attributeDefaults().add(attributeBuilder.attribute(a.attribute(), g -> graph(g, scope)));
                }
            }
        }
        body(
                c.valueList() == null ? List.of() : c.valueList().valueDecl(),
                c.nodes().node(),
                c.outputs.valueDecl(),
                body,
                scope,
                false);
        return f;
    }

    private Graph graph(GraphContext c, Scope outer) {
        Graph g = new Graph(name(c.name()));
        Scope scope = new Scope(outer);
        for (ValueDeclContext d : c.inputs.valueDecl()) {
            ValueType declared = d.type() == null ? null : literals.type(d.type());
            Value v = define(scope, d.name(), declared);
            g.inputs().add(v);
            if (d.tensorData() != null) {
                initialize(v, declared, d);
                g.initializers().add(v);
            }
        }
        body(
                c.valueList() == null ? List.of() : c.valueList().valueDecl(),
                c.nodes().node(),
                c.outputs.valueDecl(),
                g,
                scope,
                true);
        return g;
    }

    /** Initializers, nodes, value infos and outputs: what graphs and function bodies share. */
    private void body(
            List<ValueDeclContext> valueList,
            List<NodeContext> nodes,
            List<ValueDeclContext> outputs,
            Graph g,
            Scope scope,
            boolean initializersAllowed) {
        List<ValueDeclContext> infos = new ArrayList<>();
        for (ValueDeclContext d : valueList) {
            if (d.tensorData() == null) {
                infos.add(d);
                continue;
            }
            if (!initializersAllowed) {
                throw errors.at(d.tensorData(), "a function body has no initializers; use a Constant node");
            }
            String name = name(d.name());
            Value input = scope.local.get(name);
            ValueType declared = d.type() == null ? null : literals.type(d.type());
            if (input != null && g.inputs().contains(input) && !input.isInitializer()) {
                // An initializer named like an input is that input's default value.
                initialize(input, input.type(), d);
                g.initializers().add(input);
            } else {
                Value v = define(scope, d.name(), null);
                initialize(v, declared, d);
                g.initializers().add(v);
            }
        }
        Set<String> definedByNodes = new HashSet<>();
        for (NodeContext n : nodes) {
            for (IdSlotContext s : slots(n.outs)) {
                if (s.name() != null) {
                    definedByNodes.add(name(s.name()));
                }
            }
        }
        for (NodeContext n : nodes) {
            g.nodes().add(node(n, scope, definedByNodes));
        }
        for (ValueDeclContext d : infos) {
            Value v = scope.local.get(name(d.name()));
            if (v == null) {
                throw errors.at(d.name(), "value info for '" + name(d.name()) + "', which this graph does not define");
            }
            if (d.type() != null) {
                v.setType(literals.type(d.type()));
            }
        }
        for (ValueDeclContext d : outputs) {
            if (d.tensorData() != null) {
                throw errors.at(d.tensorData(), "an output cannot have a value");
            }
            String name = name(d.name());
            Value v = scope.lookup(name);
            if (v == null) {
                throw errors.at(d.name(), "output '" + name + "' is not defined");
            }
            if (d.type() != null) {
                v.setType(literals.type(d.type()));
            }
            g.outputs().add(v);
        }
    }

    private void initialize(Value v, ValueType declared, ValueDeclContext d) {
        if (d.type() == null) {
            throw errors.at(d.name(), "an initializer needs its type: float[2] " + name(d.name()) + " = {...}");
        }
        v.setInitializer(literals.tensor(d.type(), d.tensorData()));
        if (declared != null) {
            // An input keeps the type it declares (say float[N]); the initializer is only its default.
            v.setType(declared);
        }
    }

    private Value define(Scope scope, NameContext at, ValueType type) {
        String name = name(at);
        if (name.isEmpty()) {
            throw errors.at(at, "a value needs a non-empty name");
        }
        if (scope.local.containsKey(name)) {
            throw errors.at(at, "'" + name + "' is defined twice");
        }
        Value v = new Value(name, type);
        scope.local.put(name, v);
        return v;
    }

    private Node node(NodeContext c, Scope scope, Set<String> definedByNodes) {
        if (c.overload != null) {
            throw errors.at(c.overload, "node overloads (':" + c.overload.getText() + "') are not supported");
        }
        if (c.pre != null && c.post != null) {
            throw errors.at(c.post, "attributes go either before or after the inputs, not both");
        }
        List<Token> ids = new ArrayList<>();
        for (var id : c.opName().ID()) {
            ids.add(id.getSymbol());
        }
        StringBuilder domain = new StringBuilder();
        for (int i = 0; i < ids.size() - 1; i++) {
            domain.append(i == 0 ? "" : ".").append(ids.get(i).getText());
        }
        String opType = ids.get(ids.size() - 1).getText();
        List<Value> inputs = new ArrayList<>();
        for (IdSlotContext s : slots(c.ins)) {
            if (s.name() == null || name(s.name()).isEmpty()) {
                inputs.add(null);
                continue;
            }
            String name = name(s.name());
            Value v = scope.lookup(name);
            if (v == null) {
                throw errors.at(
                        s,
                        definedByNodes.contains(name)
                                ? "'" + name
                                        + "' is used before the node that defines it (nodes must be in topological order)"
                                : "'" + name + "' is not defined");
            }
            inputs.add(v);
        }
        List<Attribute> attributes = new ArrayList<>();
        Set<String> attributeNames = new HashSet<>();
        var attrs = c.pre != null ? c.pre : c.post;
        if (attrs != null) {
            for (AttributeContext a : attrs.attribute()) {
                if (!attributeNames.add(a.key.getText())) {
                    throw errors.at(a.key, "attribute '" + a.key.getText() + "' is given twice");
                }
                attributes.add(attributeBuilder.attribute(a, g -> graph(g, scope)));
            }
        }
        List<Value> outputs = new ArrayList<>();
        for (IdSlotContext s : slots(c.outs)) {
            boolean omitted = s.name() == null || name(s.name()).isEmpty();
            outputs.add(omitted ? null : define(scope, s.name(), null));
        }
        Node n = new Node(c.nodeName == null ? "" : name(c.nodeName), domain.toString(), opType, inputs, outputs);
        attributes.forEach(n::setAttribute);
        return n;
    }

    /**
     * The slots of a name list, as ONNX counts them: every slot separated by commas, except
     * that an empty last slot is no slot ({@code ()} is none, {@code (,x)} two,
     * {@code (x,)} one).
     */
    private static List<IdSlotContext> slots(IdListContext c) {
        List<IdSlotContext> s = new ArrayList<>(c.idSlot());
        if (!s.isEmpty() && s.get(s.size() - 1).name() == null) {
            s.remove(s.size() - 1);
        }
        return s;
    }

    /** The text of a name, unquoted when it is a string. */
    static String name(NameContext c) {
        return c.ID() != null ? c.ID().getText() : TextSyntax.unquote(c.STRING().getText());
    }
}
