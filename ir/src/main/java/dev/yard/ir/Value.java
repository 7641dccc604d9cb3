package dev.yard.ir;

/**
 * A named value in a graph: a graph input, an initializer (a value with constant contents),
 * or the output of a node. Identity matters: a node refers to the very object its producer
 * defined, so renaming a value renames every use.
 */
public final class Value {
    private String name;
    private ValueType type;
    private Node producer;
    private Tensor initializer;

    public Value(String name, ValueType type) {
        this.name = name;
        this.type = type;
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** The type, or null when nothing is known about it. */
    public ValueType type() {
        return type;
    }

    public void setType(ValueType type) {
        this.type = type;
    }

    /** The tensor type, or null when the type is unknown or not a tensor. */
    public ValueType.TensorType tensorType() {
        return type instanceof ValueType.TensorType t ? t : null;
    }

    /** The shape when known, else null. */
    public Shape shape() {
        ValueType.TensorType t = tensorType();
        return t == null ? null : t.shape();
    }

    /** The element type when known, else null. */
    public ElementType elementType() {
        ValueType.TensorType t = tensorType();
        return t == null ? null : t.elementType();
    }

    /** The node that computes this value; null for graph inputs and initializers. */
    public Node producer() {
        return producer;
    }

    void setProducer(Node producer) {
        this.producer = producer;
    }

    /** Constant contents of an initializer; null for every other value. */
    public Tensor initializer() {
        return initializer;
    }

    public boolean isInitializer() {
        return initializer != null;
    }

    /** Makes this value an initializer with the given contents (and a matching type). */
    public void setInitializer(Tensor t) {
        this.initializer = t;
        if (t != null) {
            this.type = ValueType.tensor(t.elementType(), t.shape());
        }
    }

    @Override
    public String toString() {
        return "%" + name + (type == null ? "" : ":" + type);
    }
}
