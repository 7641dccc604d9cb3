package dev.yard.ir.text;

import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.ValueType;
import dev.yard.ir.text.OnnxTextParser.DimContext;
import dev.yard.ir.text.OnnxTextParser.ElementContext;
import dev.yard.ir.text.OnnxTextParser.TensorDataContext;
import dev.yard.ir.text.OnnxTextParser.TypeContext;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.Token;

/**
 * Turns the type and tensor literals of a parse tree into IR: value types with their shapes,
 * tensors from their elements (or from a digest, when reading compact text), and integer
 * tokens, which must fit in 64 bits. Graphs, functions and attributes all read their literals
 * here.
 */
final class LiteralBuilder {
    private final SourceErrors errors;
    private final boolean allowDigests;

    LiteralBuilder(SourceErrors errors, boolean allowDigests) {
        this.errors = errors;
        this.allowDigests = allowDigests;
    }

    /** A tensor literal: its type must be a tensor type of known rank and numeric dimensions. */
    Tensor tensor(TypeContext typeContext, TensorDataContext data) {
        ValueType type = type(typeContext);
        if (!(type instanceof ValueType.TensorType tt) || tt.shape() == null) {
            throw errors.at(
                    typeContext, "a tensor value needs a tensor type of known rank, not " + typeContext.getText());
        }
        long[] dims = new long[tt.shape().rank()];
        for (int i = 0; i < dims.length; i++) {
            if (!(tt.shape().dim(i) instanceof Dim.Known k)) {
                throw errors.at(typeContext, "a tensor value needs numeric dimensions, not " + tt.shape());
            }
            dims[i] = k.size();
        }
        if (data.DIGEST() != null) {
            if (!allowDigests) {
                throw errors.at(data, "tensor contents given by digest are only accepted when reading compact text");
            }
            String digest = data.DIGEST().getText().substring("sha256:".length());
            try {
                return Tensor.placeholder(tt.elementType(), dims, digest);
            } catch (IllegalArgumentException e) {
                throw errors.at(typeContext, e.getMessage());
            }
        }
        if (data.NUMBERS() != null) {
            Token numbers = data.NUMBERS().getSymbol();
            TensorText.Split elements = TensorText.split(numbers.getText());
            try {
                return TensorText.parse(tt.elementType(), dims, elements);
            } catch (TensorText.BadElement e) {
                throw e.index < 0
                        ? errors.at(numbers, e.getMessage())
                        : errors.at(numbers, elements.offsetOf(e.index), e.getMessage());
            } catch (ArithmeticException e) {
                throw errors.at(typeContext, "the tensor is too large");
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
            throw errors.at(e.index < 0 ? data : elements.get(e.index), e.getMessage());
        } catch (ArithmeticException e) {
            throw errors.at(typeContext, "the tensor is too large");
        }
    }

    /** A type literal: a tensor type, map, seq, optional or sparse_tensor, with known element types. */
    ValueType type(TypeContext c) {
        return type(c, 1);
    }

    private ValueType type(TypeContext c, int depth) {
        if (depth > OnnxTextReader.MAX_TYPE_DEPTH) {
            throw errors.at(c, "type nested more than " + OnnxTextReader.MAX_TYPE_DEPTH + " levels deep");
        }
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
                throw errors.at(m, "unknown type '" + m.ID(0).getText() + "(...)'");
            }
            return new ValueType.MapType(elementType(m.keyType), type(m.type(), depth + 1));
        }
        var w = (OnnxTextParser.WrappedTypeContext) c;
        ValueType inner = type(w.type(), depth + 1);
        return switch (w.ID().getText()) {
            case "seq" -> new ValueType.SequenceType(inner);
            case "optional" -> new ValueType.OptionalType(inner);
            case "sparse_tensor" -> {
                if (!(inner instanceof ValueType.TensorType t)) {
                    throw errors.at(w.type(), "sparse_tensor(...) holds a tensor type");
                }
                yield new ValueType.SparseTensorType(t.elementType(), t.shape());
            }
            default ->
                throw errors.at(
                        w,
                        "unknown type '" + w.ID().getText() + "(...)'"
                                + (w.ID().getText().equals("opaque") ? " (opaque types are not supported)" : ""));
        };
    }

    private ElementType elementType(Token t) {
        ElementType et = ElementType.fromTextName(t.getText());
        if (et == null) {
            throw errors.at(t, "unknown element type '" + t.getText() + "'");
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

    /** An integer token as a long; one too large for 64 bits is an error at the token. */
    long parseLong(Token t) {
        try {
            return Long.parseLong(t.getText());
        } catch (NumberFormatException e) {
            throw errors.at(t, t.getText() + " does not fit in 64 bits");
        }
    }
}
