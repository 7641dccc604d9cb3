package dev.yard.ir.text;

import dev.yard.ir.Attribute;
import dev.yard.ir.Dim;
import dev.yard.ir.Function;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a model in ONNX's textual syntax, laid out as {@code onnx.printer.to_text} lays it
 * out, so that {@code onnx.parser.parse_model} reads it and {@link OnnxTextReader} reads it
 * back to the same IR. Output is deterministic: the same model always prints the same text.
 *
 * <p>Floats print in the shortest form that reads back to the same bits; the 16- and 8-bit
 * float types print as bit patterns, as ONNX does. Where onnx.printer drops information
 * (function attribute defaults, typed function signatures) this printer keeps it, in syntax
 * onnx.parser accepts.
 */
public final class OnnxTextPrinter {
    private static final int STEP = 3;

    /**
     * How to print.
     *
     * @param compactAbove tensors with more elements than this print as {@code sha256:<hex>}
     *     (their {@link Tensor#digest()}) instead of their elements; negative prints every
     *     element. Compact text is for golden files: onnx.parser does not read it, and
     *     {@link OnnxTextReader} only with {@link OnnxTextReader.Options#COMPACT}
     */
    public record Options(int compactAbove) {
        /** Every element of every tensor. */
        public static final Options FULL = new Options(-1);
        /** Tensors of more than 16 elements by digest. */
        public static final Options COMPACT = new Options(16);
    }

    private final Options options;
    private final StringBuilder out = new StringBuilder();
    private int indent = STEP;

    private OnnxTextPrinter(Options options) {
        this.options = options;
    }

    /** The full text of {@code m}: every tensor element printed. */
    public static String print(Model m) {
        return print(m, Options.FULL);
    }

    public static String print(Model m, Options options) {
        OnnxTextPrinter p = new OnnxTextPrinter(options);
        p.model(m);
        return p.out.toString();
    }

    private void model(Model m) {
        List<String> entries = new ArrayList<>();
        entries.add("ir_version: " + m.irVersion());
        entries.add("opset_import: " + opsets(m.opsetImports(), ", "));
        if (!m.producerName().isEmpty()) {
            entries.add("producer_name: " + TextSyntax.quote(m.producerName()));
        }
        if (!m.producerVersion().isEmpty()) {
            entries.add("producer_version: " + TextSyntax.quote(m.producerVersion()));
        }
        if (!m.domain().isEmpty()) {
            entries.add("domain: " + TextSyntax.quote(m.domain()));
        }
        if (m.modelVersion() != 0) {
            entries.add("model_version: " + m.modelVersion());
        }
        if (!m.docString().isEmpty()) {
            entries.add("doc_string: " + TextSyntax.quote(m.docString()));
        }
        if (!m.metadata().isEmpty()) {
            List<String> props = new ArrayList<>();
            m.metadata().forEach((k, v) -> props.add(TextSyntax.quote(k) + ": " + TextSyntax.quote(v)));
            entries.add("metadata_props: [" + String.join(", ", props) + "]");
        }
        header(entries, " ".repeat(STEP));
        graph(m.graph());
        out.append('\n');
        for (Function f : m.functions()) {
            out.append('\n');
            function(f);
            out.append('\n');
        }
    }

    private void header(List<String> entries, String pad) {
        out.append("<\n");
        for (int i = 0; i < entries.size(); i++) {
            out.append(pad).append(entries.get(i)).append(i + 1 < entries.size() ? ",\n" : "\n");
        }
        out.append(">\n");
    }

    private static String opsets(Map<String, Long> opsets, String separator) {
        List<String> items = new ArrayList<>();
        opsets.forEach((domain, version) -> items.add(TextSyntax.quote(domain) + " : " + version));
        return "[" + String.join(separator, items) + "]";
    }

    private void graph(Graph g) {
        out.append(TextSyntax.name(g.name())).append(' ');
        valueDecls(g.inputs());
        out.append(" => ");
        valueDecls(g.outputs());
        List<String> extras = new ArrayList<>();
        for (Value v : g.initializers()) {
            extras.add(initializer(v));
        }
        extras.addAll(valueInfos(g));
        if (extras.isEmpty()) {
            out.append(" {\n");
        } else {
            out.append('\n')
                    .append(" ".repeat(indent))
                    .append('<')
                    .append(String.join(", ", extras))
                    .append(">\n");
            out.append(" ".repeat(indent - STEP)).append("{\n");
        }
        nodes(g);
    }

    private void nodes(Graph g) {
        for (Node n : g.nodes()) {
            node(n);
        }
        out.append(" ".repeat(indent - STEP)).append('}');
    }

    /** Types of values computed inside {@code g}, for the names its outputs do not already type. */
    private static List<String> valueInfos(Graph g) {
        Set<Value> outputs = new HashSet<>(g.outputs());
        List<String> infos = new ArrayList<>();
        for (Node n : g.nodes()) {
            for (Value v : n.outputs()) {
                if (v != null && !outputs.contains(v) && typeText(v.type()) != null) {
                    infos.add(typeText(v.type()) + " " + TextSyntax.name(v.name()));
                }
            }
        }
        return infos;
    }

    private String initializer(Value v) {
        Tensor t = v.initializer();
        return t.elementType().textName() + TensorText.shapeText(t.dims()) + " " + TextSyntax.name(v.name()) + " = "
                + tensorData(t);
    }

    private void valueDecls(List<Value> values) {
        out.append('(');
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(valueDecl(values.get(i)));
        }
        out.append(')');
    }

    private static String valueDecl(Value v) {
        String type = typeText(v.type());
        return type == null ? TextSyntax.name(v.name()) : type + " " + TextSyntax.name(v.name());
    }

    /** A type as ONNX writes it, or null when it cannot be written (nothing known). */
    static String typeText(ValueType t) {
        if (t == null) {
            return null;
        }
        if (t instanceof ValueType.TensorType tt) {
            return tt.elementType() == null ? null : tt.elementType().textName() + shapeText(tt.shape());
        }
        if (t instanceof ValueType.SparseTensorType st) {
            return st.elementType() == null
                    ? null
                    : "sparse_tensor(" + st.elementType().textName() + shapeText(st.shape()) + ")";
        }
        if (t instanceof ValueType.SequenceType s) {
            return wrapped("seq", s.elementType());
        }
        if (t instanceof ValueType.OptionalType o) {
            return wrapped("optional", o.elementType());
        }
        ValueType.MapType m = (ValueType.MapType) t;
        String value = typeText(m.valueType());
        return value == null || m.keyType() == null
                ? null
                : "map(" + m.keyType().textName() + ", " + value + ")";
    }

    private static String wrapped(String constructor, ValueType inner) {
        String s = typeText(inner);
        return s == null ? null : constructor + "(" + s + ")";
    }

    /** {@code float} is a scalar, {@code float[]} a tensor of unknown rank. */
    private static String shapeText(dev.yard.ir.Shape shape) {
        if (shape == null) {
            return "[]";
        }
        if (shape.rank() == 0) {
            return "";
        }
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < shape.rank(); i++) {
            Dim d = shape.dim(i);
            s.append(i == 0 ? "" : ",");
            if (d instanceof Dim.Known k) {
                s.append(k.size());
            } else if (d instanceof Dim.Symbolic sym) {
                s.append(TextSyntax.name(sym.symbol()));
            } else {
                s.append('?');
            }
        }
        return s.append(']').toString();
    }

    private void node(Node n) {
        out.append(" ".repeat(indent));
        if (!n.name().isEmpty()) {
            out.append('[').append(TextSyntax.name(n.name())).append("] ");
        }
        out.append(names(n.outputs())).append(" = ");
        if (!n.domain().isEmpty()) {
            out.append(n.domain()).append('.');
        }
        out.append(n.opType());
        // As onnx.printer does, attributes holding graphs go after the inputs, so that the
        // inputs are not lost below a long body.
        boolean hasGraph = n.attributes().values().stream()
                .anyMatch(a ->
                        !a.isReference() && (a.kind() == Attribute.Kind.GRAPH || a.kind() == Attribute.Kind.GRAPHS));
        if (!hasGraph) {
            attributes(n.attributes().values());
        }
        out.append(" (").append(names(n.inputs())).append(')');
        if (hasGraph) {
            attributes(n.attributes().values());
        }
        out.append('\n');
    }

    private static String names(List<Value> values) {
        List<String> items = new ArrayList<>();
        for (Value v : values) {
            items.add(v == null ? "\"\"" : TextSyntax.name(v.name()));
        }
        return String.join(", ", items);
    }

    private void attributes(java.util.Collection<Attribute> attributes) {
        if (attributes.isEmpty()) {
            return;
        }
        out.append(" <");
        boolean first = true;
        for (Attribute a : attributes) {
            out.append(first ? "" : ", ");
            first = false;
            attribute(a);
        }
        out.append('>');
    }

    private void attribute(Attribute a) {
        out.append(a.name()).append(": ").append(a.kind().textName()).append(" = ");
        if (a.isReference()) {
            out.append('@').append(TextSyntax.name(a.refAttrName()));
            return;
        }
        switch (a.kind()) {
            case INT -> out.append(a.asLong());
            case FLOAT -> out.append(TextSyntax.formatFloatAttribute(a.asFloat()));
            case STRING -> out.append(TextSyntax.quote(a.asString()));
            case TENSOR -> out.append(tensor(a.asTensor()));
            case TYPE_PROTO -> out.append(requireType((ValueType) a.value(), a));
            case GRAPH -> subgraph(a.asGraph());
            case INTS -> {
                List<String> items = new ArrayList<>();
                for (long v : a.asLongs()) {
                    items.add(Long.toString(v));
                }
                list(items);
            }
            case FLOATS -> {
                List<String> items = new ArrayList<>();
                for (float v : a.asFloats()) {
                    items.add(TextSyntax.formatFloatAttribute(v));
                }
                list(items);
            }
            case STRINGS ->
                list(listOf(a, String.class).stream().map(TextSyntax::quote).toList());
            case TENSORS ->
                list(listOf(a, Tensor.class).stream().map(this::tensor).toList());
            case TYPE_PROTOS ->
                list(listOf(a, ValueType.class).stream()
                        .map(t -> requireType(t, a))
                        .toList());
            case GRAPHS -> {
                out.append('[');
                List<Graph> graphs = a.asGraphs();
                for (int i = 0; i < graphs.size(); i++) {
                    out.append(i == 0 ? "" : ", ");
                    subgraph(graphs.get(i));
                }
                out.append(']');
            }
            default ->
                throw new IllegalArgumentException(
                        "attribute " + a.name() + ": " + a.kind().textName() + " values have no textual form");
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> listOf(Attribute a, Class<T> element) {
        return (List<T>) a.value();
    }

    private static String requireType(ValueType t, Attribute a) {
        String s = typeText(t);
        if (s == null) {
            throw new IllegalArgumentException(
                    "attribute " + a.name() + ": a type with unknown element type has no textual form");
        }
        return s;
    }

    private void list(List<String> items) {
        out.append('[').append(String.join(", ", items)).append(']');
    }

    private void subgraph(Graph g) {
        indent += STEP;
        graph(g);
        indent -= STEP;
    }

    private String tensor(Tensor t) {
        return t.elementType().textName() + TensorText.shapeText(t.dims()) + " " + tensorData(t);
    }

    /** The elements in braces, or the digest for a large tensor in compact mode (or a placeholder). */
    private String tensorData(Tensor t) {
        boolean byDigest =
                t.isPlaceholder() || (options.compactAbove() >= 0 && t.elementCount() > options.compactAbove());
        if (byDigest) {
            return "sha256:" + t.digest();
        }
        StringBuilder b = new StringBuilder("{");
        TensorText.print(t, b);
        return b.append('}').toString();
    }

    private void function(Function f) {
        List<String> entries = new ArrayList<>();
        entries.add("domain: " + TextSyntax.quote(f.domain()));
        if (!f.overload().isEmpty()) {
            entries.add("overload: " + TextSyntax.quote(f.overload()));
        }
        if (!f.docString().isEmpty()) {
            entries.add("doc_string: " + TextSyntax.quote(f.docString()));
        }
        entries.add("opset_import: " + opsets(f.opsetImports(), ","));
        header(entries, "  ");
        Graph body = f.body();
        out.append(TextSyntax.name(f.name())).append(' ');
        List<String> params = new ArrayList<>();
        f.attributeNames().forEach(n -> params.add(TextSyntax.name(n)));
        if (!params.isEmpty() || !f.attributeDefaults().isEmpty()) {
            out.append('<').append(String.join(",", params));
            for (Attribute a : f.attributeDefaults()) {
                out.append(params.isEmpty() ? "" : ",");
                params.add(a.name());
                attribute(a);
            }
            out.append('>');
        }
        valueDecls(body.inputs());
        out.append(" => ");
        valueDecls(body.outputs());
        List<String> infos = valueInfos(body);
        if (!infos.isEmpty()) {
            out.append('\n')
                    .append(" ".repeat(indent))
                    .append('<')
                    .append(String.join(", ", infos))
                    .append('>');
        }
        out.append("\n{\n");
        nodes(body);
    }
}
