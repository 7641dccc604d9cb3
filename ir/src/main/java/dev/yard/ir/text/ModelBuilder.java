package dev.yard.ir.text;

import dev.yard.ir.Attribute;
import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Function;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.ir.YardException;
import dev.yard.ir.text.OnnxTextParser.AttributeContext;
import dev.yard.ir.text.OnnxTextParser.DimContext;
import dev.yard.ir.text.OnnxTextParser.ElementContext;
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
import dev.yard.ir.text.OnnxTextParser.SingleValueContext;
import dev.yard.ir.text.OnnxTextParser.TensorDataContext;
import dev.yard.ir.text.OnnxTextParser.TypeContext;
import dev.yard.ir.text.OnnxTextParser.ValueDeclContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Turns a parse tree into IR: resolves names to shared {@link Value} objects scope by scope
 * (a subgraph sees the values its enclosing graphs defined before it), checks what the
 * grammar leaves open (known type names, attribute kinds, literal ranges), and reports the
 * first problem with its position.
 */
final class ModelBuilder {
    private final String source;
    private final boolean allowDigests;

    ModelBuilder(String source, boolean allowDigests) {
        this.source = source;
        this.allowDigests = allowDigests;
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
                throw error(e.key, "'" + key + "' is given twice");
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
                            throw error(p, "a metadata property maps a string to a string");
                        }
                        m.metadata().put(TextSyntax.unquote(p.key.getText()), TextSyntax.unquote(p.STRING(1).getText()));
                    }
                }
                default -> throw error(e.key, "unknown model header key '" + key + "'");
            }
        }
    }

    private long headerInt(HeaderEntryContext e) {
        if (e.headerValue().INT() == null) {
            throw error(e.headerValue(), "'" + e.key.getText() + "' takes an integer");
        }
        return parseLong(e.headerValue().INT().getSymbol());
    }

    private String headerString(HeaderEntryContext e) {
        if (e.headerValue().STRING() == null) {
            throw error(e.headerValue(), "'" + e.key.getText() + "' takes a string");
        }
        return TextSyntax.unquote(e.headerValue().STRING().getText());
    }

    private List<PairContext> headerPairs(HeaderEntryContext e) {
        if (e.headerValue().INT() != null || e.headerValue().STRING() != null) {
            throw error(e.headerValue(), "'" + e.key.getText() + "' takes a list in brackets");
        }
        return e.headerValue().pair();
    }

    private void opsets(HeaderEntryContext e, Map<String, Long> into) {
        for (PairContext p : headerPairs(e)) {
            if (p.INT() == null) {
                throw error(p, "an opset import maps a domain to a version: \"\" : 17");
            }
            into.put(TextSyntax.unquote(p.key.getText()), parseLong(p.INT().getSymbol()));
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
                    default -> throw error(e.key, "unknown function header key '" + e.key.getText() + "'");
                }
            }
        }
        String name = name(c.name());
        Graph body = new Graph(name);
        Scope scope = new Scope(null);
        for (ValueDeclContext d : c.inputs.valueDecl()) {
            if (d.tensorData() != null) {
                throw error(d.tensorData(), "a function input cannot have a default value");
            }
            body.inputs().add(define(scope, d.name(), d.type() == null ? null : type(d.type())));
        }
        Function f = new Function(domain, name, overload, body);
        f.setDocString(doc);
        f.opsetImports().putAll(opsets);
        if (c.functionAttributes() != null) {
            for (FunctionAttributeContext a : c.functionAttributes().functionAttribute()) {
                if (a.name() != null) {
                    f.attributeNames().add(name(a.name()));
                } else {
                    f.attributeDefaults().add(attribute(a.attribute(), scope));
                }
            }
        }
        body(c.valueList() == null ? List.of() : c.valueList().valueDecl(), c.nodes().node(), c.outputs.valueDecl(),
                body, scope, false);
        return f;
    }

    private Graph graph(GraphContext c, Scope outer) {
        Graph g = new Graph(name(c.name()));
        Scope scope = new Scope(outer);
        for (ValueDeclContext d : c.inputs.valueDecl()) {
            ValueType declared = d.type() == null ? null : type(d.type());
            Value v = define(scope, d.name(), declared);
            g.inputs().add(v);
            if (d.tensorData() != null) {
                initialize(v, declared, d);
                g.initializers().add(v);
            }
        }
        body(c.valueList() == null ? List.of() : c.valueList().valueDecl(), c.nodes().node(), c.outputs.valueDecl(),
                g, scope, true);
        return g;
    }

    /** Initializers, nodes, value infos and outputs: what graphs and function bodies share. */
    private void body(List<ValueDeclContext> valueList, List<NodeContext> nodes, List<ValueDeclContext> outputs,
            Graph g, Scope scope, boolean initializersAllowed) {
        List<ValueDeclContext> infos = new ArrayList<>();
        for (ValueDeclContext d : valueList) {
            if (d.tensorData() == null) {
                infos.add(d);
                continue;
            }
            if (!initializersAllowed) {
                throw error(d.tensorData(), "a function body has no initializers; use a Constant node");
            }
            String name = name(d.name());
            Value input = scope.local.get(name);
            ValueType declared = d.type() == null ? null : type(d.type());
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
                throw error(d.name(), "value info for '" + name(d.name()) + "', which this graph does not define");
            }
            if (d.type() != null) {
                v.setType(type(d.type()));
            }
        }
        for (ValueDeclContext d : outputs) {
            if (d.tensorData() != null) {
                throw error(d.tensorData(), "an output cannot have a value");
            }
            String name = name(d.name());
            Value v = scope.lookup(name);
            if (v == null) {
                throw error(d.name(), "output '" + name + "' is not defined");
            }
            if (d.type() != null) {
                v.setType(type(d.type()));
            }
            g.outputs().add(v);
        }
    }

    private void initialize(Value v, ValueType declared, ValueDeclContext d) {
        if (d.type() == null) {
            throw error(d.name(), "an initializer needs its type: float[2] " + name(d.name()) + " = {...}");
        }
        v.setInitializer(tensor(d.type(), d.tensorData()));
        if (declared != null) {
            // An input keeps the type it declares (say float[N]); the initializer is only its default.
            v.setType(declared);
        }
    }

    private Value define(Scope scope, NameContext at, ValueType type) {
        String name = name(at);
        if (name.isEmpty()) {
            throw error(at, "a value needs a non-empty name");
        }
        if (scope.local.containsKey(name)) {
            throw error(at, "'" + name + "' is defined twice");
        }
        Value v = new Value(name, type);
        scope.local.put(name, v);
        return v;
    }

    private Node node(NodeContext c, Scope scope, Set<String> definedByNodes) {
        if (c.overload != null) {
            throw error(c.overload, "node overloads (':" + c.overload.getText() + "') are not supported");
        }
        if (c.pre != null && c.post != null) {
            throw error(c.post, "attributes go either before or after the inputs, not both");
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
                throw error(s, definedByNodes.contains(name)
                        ? "'" + name + "' is used before the node that defines it (nodes must be in topological order)"
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
                    throw error(a.key, "attribute '" + a.key.getText() + "' is given twice");
                }
                attributes.add(attribute(a, scope));
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

    /** One parsed attribute value before it is packed into an {@link Attribute}. */
    private record Single(Attribute.Kind kind, Object value, ParserRuleContext at) {
    }

    private Attribute attribute(AttributeContext c, Scope scope) {
        String key = c.key.getText();
        Attribute.Kind declared = null;
        if (c.kind != null) {
            declared = Attribute.Kind.fromTextName(c.kind.getText());
            if (declared == null) {
                throw error(c.kind, "unknown attribute type '" + c.kind.getText() + "'");
            }
        }
        if (c.attributeValue() instanceof OnnxTextParser.ScalarValueContext s) {
            SingleValueContext v = s.singleValue();
            if (v instanceof OnnxTextParser.RefValueContext r) {
                if (declared == null) {
                    throw error(r, "a reference to a function attribute needs a type: "
                            + key + ": float = @" + name(r.name()));
                }
                return Attribute.reference(key, declared, name(r.name()));
            }
            Single one = single(v, declared, scope);
            if (declared != null && declared != one.kind()) {
                throw error(v, "attribute '" + key + "' is declared " + declared.textName() + " but its value is "
                        + one.kind().textName());
            }
            return new Attribute(key, one.kind(), one.value(), null);
        }
        var list = (OnnxTextParser.ListValueContext) c.attributeValue();
        Attribute.Kind element = declared == null ? null : elementKind(declared);
        if (declared != null && element == null) {
            throw error(list, "attribute '" + key + "' is declared " + declared.textName() + ", which is not a list");
        }
        List<Single> values = new ArrayList<>();
        for (SingleValueContext v : list.singleValue()) {
            if (v instanceof OnnxTextParser.RefValueContext) {
                throw error(v, "a list cannot hold attribute references");
            }
            values.add(single(v, element, scope));
        }
        if (values.isEmpty() && declared == null) {
            throw error(list, "an empty list needs its type: " + key + ": ints = []");
        }
        if (element == null) {
            // Untyped lists take the kind of their elements; integers among floats are floats.
            boolean anyFloat = values.stream().anyMatch(v -> v.kind() == Attribute.Kind.FLOAT);
            element = anyFloat ? Attribute.Kind.FLOAT : values.get(0).kind();
        }
        return new Attribute(key, listKind(element), listValue(element, values), null);
    }

    private Object listValue(Attribute.Kind element, List<Single> values) {
        for (Single v : values) {
            boolean ok = v.kind() == element || (element == Attribute.Kind.FLOAT && v.kind() == Attribute.Kind.INT);
            if (!ok) {
                throw error(v.at(), "a list of " + element.textName() + " values cannot hold a " + v.kind().textName());
            }
        }
        switch (element) {
            case INT -> {
                long[] a = new long[values.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (Long) values.get(i).value();
                }
                return a;
            }
            case FLOAT -> {
                float[] a = new float[values.size()];
                for (int i = 0; i < a.length; i++) {
                    Object v = values.get(i).value();
                    a[i] = v instanceof Long l ? (float) (long) l : (Float) v;
                }
                return a;
            }
            default -> {
                List<Object> a = new ArrayList<>();
                values.forEach(v -> a.add(v.value()));
                return List.copyOf(a);
            }
        }
    }

    private static Attribute.Kind elementKind(Attribute.Kind list) {
        return switch (list) {
            case INTS -> Attribute.Kind.INT;
            case FLOATS -> Attribute.Kind.FLOAT;
            case STRINGS -> Attribute.Kind.STRING;
            case TENSORS -> Attribute.Kind.TENSOR;
            case GRAPHS -> Attribute.Kind.GRAPH;
            case TYPE_PROTOS -> Attribute.Kind.TYPE_PROTO;
            case SPARSE_TENSORS -> Attribute.Kind.SPARSE_TENSOR;
            default -> null;
        };
    }

    private static Attribute.Kind listKind(Attribute.Kind element) {
        return switch (element) {
            case INT -> Attribute.Kind.INTS;
            case FLOAT -> Attribute.Kind.FLOATS;
            case STRING -> Attribute.Kind.STRINGS;
            case TENSOR -> Attribute.Kind.TENSORS;
            case GRAPH -> Attribute.Kind.GRAPHS;
            case TYPE_PROTO -> Attribute.Kind.TYPE_PROTOS;
            default -> Attribute.Kind.SPARSE_TENSORS;
        };
    }

    /** A single value; {@code expected} (the declared kind, if any) decides whether 1 means 1.0. */
    private Single single(SingleValueContext v, Attribute.Kind expected, Scope scope) {
        if (v instanceof OnnxTextParser.GraphValueContext g) {
            return new Single(Attribute.Kind.GRAPH, graph(g.graph(), scope), v);
        }
        if (v instanceof OnnxTextParser.TensorValueContext t) {
            return new Single(Attribute.Kind.TENSOR, tensor(t.type(), t.tensorData()), v);
        }
        if (v instanceof OnnxTextParser.TypeValueContext t) {
            // A bare inf or nan reads as a type name to the grammar; it is a float.
            if (t.type() instanceof OnnxTextParser.TensorTypeContext tt && tt.shape() == null
                    && TextSyntax.isSpecialFloat(tt.ID().getText())) {
                return new Single(Attribute.Kind.FLOAT, (float) TextSyntax.parseReal(tt.ID().getText(), true), v);
            }
            return new Single(Attribute.Kind.TYPE_PROTO, type(t.type()), v);
        }
        if (v instanceof OnnxTextParser.StringValueContext s) {
            return new Single(Attribute.Kind.STRING, TextSyntax.unquote(s.STRING().getText()), v);
        }
        Token tok = ((OnnxTextParser.NumberValueContext) v).number().getStart();
        String text = tok.getText();
        if (tok.getType() == OnnxTextParser.INT && expected != Attribute.Kind.FLOAT) {
            return new Single(Attribute.Kind.INT, parseLong(tok), v);
        }
        try {
            return new Single(Attribute.Kind.FLOAT, (float) TextSyntax.parseReal(text, true), v);
        } catch (NumberFormatException e) {
            throw error(tok, e.getMessage());
        }
    }

    private Tensor tensor(TypeContext typeContext, TensorDataContext data) {
        ValueType type = type(typeContext);
        if (!(type instanceof ValueType.TensorType tt) || tt.shape() == null) {
            throw error(typeContext, "a tensor value needs a tensor type of known rank, not " + typeContext.getText());
        }
        long[] dims = new long[tt.shape().rank()];
        for (int i = 0; i < dims.length; i++) {
            if (!(tt.shape().dim(i) instanceof Dim.Known k)) {
                throw error(typeContext, "a tensor value needs numeric dimensions, not " + tt.shape());
            }
            dims[i] = k.size();
        }
        if (data.DIGEST() != null) {
            if (!allowDigests) {
                throw error(data, "tensor contents given by digest are only accepted when reading compact text");
            }
            String digest = data.DIGEST().getText().substring("sha256:".length());
            try {
                return Tensor.placeholder(tt.elementType(), dims, digest);
            } catch (IllegalArgumentException e) {
                throw error(typeContext, e.getMessage());
            }
        }
        if (data.NUMBERS() != null) {
            Token numbers = data.NUMBERS().getSymbol();
            TensorText.Split elements = TensorText.split(numbers.getText());
            try {
                return TensorText.parse(tt.elementType(), dims, elements);
            } catch (TensorText.BadElement e) {
                throw e.index < 0 ? error(numbers, e.getMessage()) : error(numbers, elements.offsetOf(e.index), e.getMessage());
            } catch (ArithmeticException e) {
                throw error(typeContext, "the tensor is too large");
            }
        }
        List<ElementContext> elements = data.element();
        List<String> texts = new ArrayList<>(elements.size());
        for (ElementContext e : elements) {
            texts.add(e.getText());
        }
        try {
            return TensorText.parse(tt.elementType(), dims, texts);
        } catch (TensorText.BadElement e) {
            throw error(e.index < 0 ? data : elements.get(e.index), e.getMessage());
        } catch (ArithmeticException e) {
            throw error(typeContext, "the tensor is too large");
        }
    }

    private ValueType type(TypeContext c) {
        if (c instanceof OnnxTextParser.TensorTypeContext t) {
            ElementType et = elementType(t.ID().getSymbol());
            if (t.shape() == null) {
                return ValueType.tensor(et, new Shape(List.of()));
            }
            if (t.shape().dim().isEmpty()) {
                return ValueType.tensor(et, (Shape) null);
            }
            List<Dim> dims = new ArrayList<>();
            for (DimContext d : t.shape().dim()) {
                dims.add(dim(d));
            }
            return ValueType.tensor(et, new Shape(dims));
        }
        if (c instanceof OnnxTextParser.MapTypeContext m) {
            if (!m.ID(0).getText().equals("map")) {
                throw error(m, "unknown type '" + m.ID(0).getText() + "(...)'");
            }
            return new ValueType.MapType(elementType(m.keyType), type(m.type()));
        }
        var w = (OnnxTextParser.WrappedTypeContext) c;
        ValueType inner = type(w.type());
        return switch (w.ID().getText()) {
            case "seq" -> new ValueType.SequenceType(inner);
            case "optional" -> new ValueType.OptionalType(inner);
            case "sparse_tensor" -> {
                if (!(inner instanceof ValueType.TensorType t)) {
                    throw error(w.type(), "sparse_tensor(...) holds a tensor type");
                }
                yield new ValueType.SparseTensorType(t.elementType(), t.shape());
            }
            default -> throw error(w, "unknown type '" + w.ID().getText() + "(...)'"
                    + (w.ID().getText().equals("opaque") ? " (opaque types are not supported)" : ""));
        };
    }

    private ElementType elementType(Token t) {
        ElementType et = ElementType.fromTextName(t.getText());
        if (et == null) {
            throw error(t, "unknown element type '" + t.getText() + "'");
        }
        return et;
    }

    private Dim dim(DimContext d) {
        if (d.INT() != null) {
            return Dim.of(parseLong(d.INT().getSymbol()));
        }
        if (d.ID() != null) {
            return Dim.symbol(d.ID().getText());
        }
        if (d.STRING() != null) {
            return Dim.symbol(TextSyntax.unquote(d.STRING().getText()));
        }
        return Dim.UNKNOWN;
    }

    private static String name(NameContext c) {
        return c.ID() != null ? c.ID().getText() : TextSyntax.unquote(c.STRING().getText());
    }

    private long parseLong(Token t) {
        try {
            return Long.parseLong(t.getText());
        } catch (NumberFormatException e) {
            throw error(t, t.getText() + " does not fit in 64 bits");
        }
    }

    private YardException error(ParserRuleContext at, String message) {
        return error(at.getStart(), message);
    }

    /** An error {@code offset} characters into token {@code at}, which may span lines. */
    private YardException error(Token at, int offset, String message) {
        String text = at.getText();
        int line = at.getLine();
        int col = at.getCharPositionInLine() + 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return YardException.badInput(source + ":" + line + ":" + col + ": " + message);
    }

    YardException error(Token at, String message) {
        return YardException.badInput(source + ":" + at.getLine() + ":" + (at.getCharPositionInLine() + 1) + ": " + message);
    }
}
