package dev.yard.ir.text;

import dev.yard.ir.Attribute;
import dev.yard.ir.Graph;
import dev.yard.ir.text.OnnxTextParser.AttributeContext;
import dev.yard.ir.text.OnnxTextParser.GraphContext;
import dev.yard.ir.text.OnnxTextParser.SingleValueContext;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Turns an attribute of a node, or a default of a function attribute, into an {@link Attribute}:
 * settles its kind from the declared type or, without one, from the value (integers among
 * floats are floats), and checks that the two agree.
 */
final class AttributeBuilder {
    /** Builds a graph held by an attribute; the graph sees the names of the scope it appears in. */
    interface Subgraphs {
        Graph build(GraphContext c);
    }

    private final SourceErrors errors;
    private final LiteralBuilder literals;

    AttributeBuilder(SourceErrors errors, LiteralBuilder literals) {
        this.errors = errors;
        this.literals = literals;
    }

    /** One parsed attribute value before it is packed into an {@link Attribute}. */
    private record Single(Attribute.Kind kind, Object value, ParserRuleContext at) {}

    /** An attribute; a graph among its values is built by {@code subgraphs} in the enclosing scope. */
    Attribute attribute(AttributeContext c, Subgraphs subgraphs) {
        String key = c.key.getText();
        Attribute.Kind declared = null;
        if (c.kind != null) {
            declared = Attribute.Kind.fromTextName(c.kind.getText());
            if (declared == null) {
                throw errors.at(c.kind, "unknown attribute type '" + c.kind.getText() + "'");
            }
        }
        if (c.attributeValue() instanceof OnnxTextParser.ScalarValueContext s) {
            SingleValueContext v = s.singleValue();
            if (v instanceof OnnxTextParser.RefValueContext r) {
                if (declared == null) {
                    throw errors.at(
                            r,
                            "a reference to a function attribute needs a type: " + key + ": float = @"
                                    + ModelBuilder.name(r.name()));
                }
                return Attribute.reference(key, declared, ModelBuilder.name(r.name()));
            }
            Single one = single(v, declared, subgraphs);
            if (declared != null && declared != one.kind()) {
                throw errors.at(
                        v,
                        "attribute '" + key + "' is declared " + declared.textName() + " but its value is "
                                + one.kind().textName());
            }
            return new Attribute(key, one.kind(), one.value(), null);
        }
        var list = (OnnxTextParser.ListValueContext) c.attributeValue();
        Attribute.Kind element = declared == null ? null : elementKind(declared);
        if (declared != null && element == null) {
            throw errors.at(
                    list, "attribute '" + key + "' is declared " + declared.textName() + ", which is not a list");
        }
        List<Single> values = new ArrayList<>();
        for (SingleValueContext v : list.singleValue()) {
            if (v instanceof OnnxTextParser.RefValueContext) {
                throw errors.at(v, "a list cannot hold attribute references");
            }
            values.add(single(v, element, subgraphs));
        }
        if (values.isEmpty() && declared == null) {
            throw errors.at(list, "an empty list needs its type: " + key + ": ints = []");
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
                throw errors.at(
                        v.at(),
                        "a list of " + element.textName() + " values cannot hold a "
                                + v.kind().textName());
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
    private Single single(SingleValueContext v, Attribute.Kind expected, Subgraphs subgraphs) {
        if (v instanceof OnnxTextParser.GraphValueContext g) {
            return new Single(Attribute.Kind.GRAPH, subgraphs.build(g.graph()), v);
        }
        if (v instanceof OnnxTextParser.TensorValueContext t) {
            return new Single(Attribute.Kind.TENSOR, literals.tensor(t.type(), t.tensorData()), v);
        }
        if (v instanceof OnnxTextParser.TypeValueContext t) {
            // A bare inf or nan reads as a type name to the grammar; it is a float.
            if (t.type() instanceof OnnxTextParser.TensorTypeContext tt
                    && tt.shape() == null
                    && TextSyntax.isSpecialFloat(tt.ID().getText())) {
                return new Single(
                        Attribute.Kind.FLOAT,
                        (float) TextSyntax.parseReal(tt.ID().getText(), true),
                        v);
            }
            return new Single(Attribute.Kind.TYPE_PROTO, literals.type(t.type()), v);
        }
        if (v instanceof OnnxTextParser.StringValueContext s) {
            return new Single(
                    Attribute.Kind.STRING, TextSyntax.unquote(s.STRING().getText()), v);
        }
        Token tok = ((OnnxTextParser.NumberValueContext) v).number().getStart();
        String text = tok.getText();
        if (tok.getType() == OnnxTextParser.INT && expected != Attribute.Kind.FLOAT) {
            return new Single(Attribute.Kind.INT, literals.parseLong(tok), v);
        }
        try {
            return new Single(Attribute.Kind.FLOAT, (float) TextSyntax.parseReal(text, true), v);
        } catch (NumberFormatException e) {
            throw errors.at(tok, e.getMessage());
        }
    }
}
