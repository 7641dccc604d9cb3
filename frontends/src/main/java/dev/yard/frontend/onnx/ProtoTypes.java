package dev.yard.frontend.onnx;

import ai.onnx.proto.OnnxMl;
import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Shape;
import dev.yard.ir.ValueType;
import dev.yard.ir.YardException;
import dev.yard.ir.text.OnnxTextReader;
import java.util.ArrayList;
import java.util.List;

/** Turns {@code TypeProto}s into IR value types. */
final class ProtoTypes {
    private ProtoTypes() {}

    /** The type, or null when the proto says nothing (an empty {@code TypeProto}). */
    static ValueType type(OnnxMl.TypeProto t, String source, String what) {
        return type(t, source, what, 1);
    }

    private static ValueType type(OnnxMl.TypeProto t, String source, String what, int depth) {
        if (depth > OnnxTextReader.MAX_TYPE_DEPTH) {
            throw YardException.badInput(source + ": value '" + what + "' has a type nested more than "
                    + OnnxTextReader.MAX_TYPE_DEPTH + " levels deep");
        }
        return switch (t.getValueCase()) {
            case TENSOR_TYPE -> {
                OnnxMl.TypeProto.Tensor tt = t.getTensorType();
                yield new ValueType.TensorType(
                        element(tt.getElemType(), source, what), tt.hasShape() ? shape(tt.getShape()) : null);
            }
            case SPARSE_TENSOR_TYPE -> {
                OnnxMl.TypeProto.SparseTensor st = t.getSparseTensorType();
                yield new ValueType.SparseTensorType(
                        element(st.getElemType(), source, what), st.hasShape() ? shape(st.getShape()) : null);
            }
            case SEQUENCE_TYPE ->
                new ValueType.SequenceType(
                        t.getSequenceType().hasElemType()
                                ? type(t.getSequenceType().getElemType(), source, what, depth + 1)
                                : null);
            case OPTIONAL_TYPE ->
                new ValueType.OptionalType(
                        t.getOptionalType().hasElemType()
                                ? type(t.getOptionalType().getElemType(), source, what, depth + 1)
                                : null);
            case MAP_TYPE -> {
                ElementType key = element(t.getMapType().getKeyType(), source, what);
                yield new ValueType.MapType(key, type(t.getMapType().getValueType(), source, what, depth + 1));
            }
            case OPAQUE_TYPE ->
                throw YardException.badInput(
                        source + ": value '" + what + "' has an opaque type, which is not supported");
            case VALUE_NOT_SET -> null;
        };
    }

    private static ElementType element(int code, String source, String what) {
        if (code == 0) {
            return null;
        }
        ElementType e = ElementType.fromCode(code);
        if (e == null) {
            throw YardException.badInput(source + ": value '" + what + "' has unknown element type " + code);
        }
        return e;
    }

    private static Shape shape(OnnxMl.TensorShapeProto s) {
        List<Dim> dims = new ArrayList<>(s.getDimCount());
        for (OnnxMl.TensorShapeProto.Dimension d : s.getDimList()) {
            dims.add(
                    switch (d.getValueCase()) {
                        case DIM_VALUE -> Dim.of(d.getDimValue());
                        case DIM_PARAM -> d.getDimParam().isEmpty() ? Dim.UNKNOWN : Dim.symbol(d.getDimParam());
                        case VALUE_NOT_SET -> Dim.UNKNOWN;
                    });
        }
        return new Shape(dims);
    }
}
