package dev.yard.ir.infer;

import dev.yard.ir.Attribute;
import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import java.util.List;

/**
 * What a {@link ShapeRule} sees of one node: its input types, constant inputs, attributes
 * and the opset it is interpreted under.
 */
final class NodeContext {
    private final Node node;
    private final long opset;
    private final ConstantValues constants;

    NodeContext(Node node, long opset, ConstantValues constants) {
        this.node = node;
        this.opset = opset;
        this.constants = constants;
    }

    Node node() {
        return node;
    }

    long opset() {
        return opset;
    }

    /** Input {@code i} is given (not absent, not omitted with ""). */
    boolean has(int i) {
        return node.input(i) != null;
    }

    int inputCount() {
        return node.inputs().size();
    }

    ValueType.TensorType type(int i) {
        Value v = node.input(i);
        return v == null ? null : v.tensorType();
    }

    ElementType elem(int i) {
        ValueType.TensorType t = type(i);
        return t == null ? null : t.elementType();
    }

    /** The shape of input {@code i}, or null when its rank is unknown. */
    Shape shape(int i) {
        ValueType.TensorType t = type(i);
        return t == null ? null : t.shape();
    }

    /** The rank of input {@code i}, or -1 when unknown. */
    int rank(int i) {
        Shape s = shape(i);
        return s == null ? -1 : s.rank();
    }

    /** The contents of a constant integer input, or null. */
    long[] constInts(int i) {
        return constants.ints(node.input(i));
    }

    double[] constDoubles(int i) {
        return constants.doubles(node.input(i));
    }

    /**
     * The number of elements of a 1-D input known from its shape (even when its contents are
     * not), or -1.
     */
    int staticLength(int i) {
        Shape s = shape(i);
        if (s == null || s.rank() != 1 || !(s.dim(0) instanceof Dim.Known k)) {
            return -1;
        }
        return Math.toIntExact(k.size());
    }

    boolean hasAttr(String name) {
        return node.attribute(name) != null;
    }

    /** An attribute that refers to a caller's attribute has no value to infer from. */
    boolean attrUnknown(String name) {
        Attribute a = node.attribute(name);
        return a != null && a.isReference();
    }

    long intAttr(String name, long dflt) {
        return node.intAttr(name, dflt);
    }

    long[] ints(String name) {
        return node.intsAttr(name);
    }

    String str(String name, String dflt) {
        return node.stringAttr(name, dflt);
    }

    /** Normalises a possibly negative axis against {@code rank}. */
    int axis(long axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new ShapeError("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    static ValueType.TensorType tensor(ElementType e, Shape s) {
        return ValueType.tensor(e, s);
    }

    /** One output of type (e, s) followed by nothing else known. */
    static List<ValueType> one(ElementType e, Shape s) {
        return List.of(ValueType.tensor(e, s));
    }

    ShapeError error(String message) {
        return new ShapeError(message);
    }
}
