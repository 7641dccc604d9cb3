package dev.yard.ir;

import java.util.Arrays;
import java.util.List;

/**
 * A typed node attribute. In a function body an attribute may instead refer to an attribute
 * of the calling node ({@code refAttrName}), in which case {@code value} is null.
 *
 * <p>Values by kind: FLOAT {@code Float}, INT {@code Long}, STRING {@code String}, TENSOR
 * {@link Tensor}, GRAPH {@link Graph}, TYPE_PROTO {@link ValueType}, FLOATS {@code float[]},
 * INTS {@code long[]}, STRINGS {@code List<String>}, TENSORS {@code List<Tensor>}, GRAPHS
 * {@code List<Graph>}, TYPE_PROTOS {@code List<ValueType>}.
 */
public record Attribute(String name, Kind kind, Object value, String refAttrName) {

    /** The attribute kinds of ONNX, with their protobuf codes and textual type names. */
    public enum Kind {
        FLOAT(1, "float"),
        INT(2, "int"),
        STRING(3, "string"),
        TENSOR(4, "tensor"),
        GRAPH(5, "graph"),
        SPARSE_TENSOR(11, "sparse_tensor"),
        TYPE_PROTO(13, "type_proto"),
        FLOATS(6, "floats"),
        INTS(7, "ints"),
        STRINGS(8, "strings"),
        TENSORS(9, "tensors"),
        GRAPHS(10, "graphs"),
        SPARSE_TENSORS(12, "sparse_tensors"),
        TYPE_PROTOS(14, "type_protos");

        private final int code;
        private final String textName;

        Kind(int code, String textName) {
            this.code = code;
            this.textName = textName;
        }

        public int code() {
            return code;
        }

        public String textName() {
            return textName;
        }

        public static Kind fromCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }

        public static Kind fromTextName(String name) {
            for (Kind k : values()) {
                if (k.textName.equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    public static Attribute of(String name, long v) {
        return new Attribute(name, Kind.INT, v, null);
    }

    public static Attribute of(String name, float v) {
        return new Attribute(name, Kind.FLOAT, v, null);
    }

    public static Attribute of(String name, String v) {
        return new Attribute(name, Kind.STRING, v, null);
    }

    public static Attribute of(String name, long[] v) {
        return new Attribute(name, Kind.INTS, v.clone(), null);
    }

    public static Attribute of(String name, float[] v) {
        return new Attribute(name, Kind.FLOATS, v.clone(), null);
    }

    public static Attribute of(String name, Tensor v) {
        return new Attribute(name, Kind.TENSOR, v, null);
    }

    public static Attribute of(String name, Graph v) {
        return new Attribute(name, Kind.GRAPH, v, null);
    }

    public static Attribute strings(String name, List<String> v) {
        return new Attribute(name, Kind.STRINGS, List.copyOf(v), null);
    }

    public static Attribute reference(String name, Kind kind, String refAttrName) {
        return new Attribute(name, kind, null, refAttrName);
    }

    public boolean isReference() {
        return refAttrName != null;
    }

    public long asLong() {
        return (Long) value;
    }

    public float asFloat() {
        return (Float) value;
    }

    public String asString() {
        return (String) value;
    }

    public long[] asLongs() {
        return ((long[]) value).clone();
    }

    public float[] asFloats() {
        return ((float[]) value).clone();
    }

    public Tensor asTensor() {
        return (Tensor) value;
    }

    public Graph asGraph() {
        return (Graph) value;
    }

    @SuppressWarnings("unchecked")
    public List<Graph> asGraphs() {
        return (List<Graph>) value;
    }

    @Override
    public String toString() {
        Object v = value;
        if (v instanceof long[] l) {
            v = Arrays.toString(l);
        } else if (v instanceof float[] f) {
            v = Arrays.toString(f);
        }
        return name + "=" + (isReference() ? "@" + refAttrName : v);
    }
}
