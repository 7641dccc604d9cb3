package dev.yard.ir;

/**
 * The type of a value flowing through a graph. CNNs use tensors; sequences, maps, optionals
 * and sparse tensors are kept so that any ONNX model survives a trip through Yard.
 */
public sealed interface ValueType
        permits ValueType.TensorType,
                ValueType.SequenceType,
                ValueType.MapType,
                ValueType.OptionalType,
                ValueType.SparseTensorType {

    /** A dense tensor; {@code elementType} may be null when unknown, {@code shape} null when the rank is unknown. */
    record TensorType(ElementType elementType, Shape shape) implements ValueType {
        @Override
        public String toString() {
            return (elementType == null ? "?" : elementType.textName()) + (shape == null ? "" : shape.toString());
        }
    }

    /** A sparse tensor. */
    record SparseTensorType(ElementType elementType, Shape shape) implements ValueType {
        @Override
        public String toString() {
            return "sparse_tensor(" + (elementType == null ? "?" : elementType.textName())
                    + (shape == null ? "" : shape.toString()) + ")";
        }
    }

    /** A sequence of values of one type; {@code elementType} may be null when unknown. */
    record SequenceType(ValueType elementType) implements ValueType {
        @Override
        public String toString() {
            return "seq(" + elementType + ")";
        }
    }

    /** A map from a scalar key type to values of one type; either may be null when unknown. */
    record MapType(ElementType keyType, ValueType valueType) implements ValueType {
        @Override
        public String toString() {
            return "map(" + (keyType == null ? "?" : keyType.textName()) + ", " + valueType + ")";
        }
    }

    /** A value that may be absent. */
    record OptionalType(ValueType elementType) implements ValueType {
        @Override
        public String toString() {
            return "optional(" + elementType + ")";
        }
    }

    static TensorType tensor(ElementType type, Shape shape) {
        return new TensorType(type, shape);
    }

    static TensorType tensor(ElementType type, long... sizes) {
        return new TensorType(type, Shape.of(sizes));
    }
}
