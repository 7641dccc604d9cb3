package dev.yard.frontend.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.yard.ir.Attribute;
import dev.yard.ir.Graph;
import dev.yard.ir.Tensor;
import dev.yard.ir.ValueType;
import dev.yard.ir.YardException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** Turns {@code AttributeProto}s into typed IR attributes; subgraphs go through {@code graphs}. */
final class ProtoAttributes {
    private final String source;
    private final ProtoTensors tensors;
    private final BiFunction<OnnxMl.GraphProto, String, Graph> graphs;

    ProtoAttributes(String source, ProtoTensors tensors, BiFunction<OnnxMl.GraphProto, String, Graph> graphs) {
        this.source = source;
        this.tensors = tensors;
        this.graphs = graphs;
    }

    Attribute attribute(OnnxMl.AttributeProto a, String where) {
        String name = a.getName();
        Attribute.Kind kind = kind(a, where);
        if (a.hasRefAttrName() && !a.getRefAttrName().isEmpty()) {
            return Attribute.reference(name, kind, a.getRefAttrName());
        }
        String what = name;
        Object value = switch (kind) {
            case FLOAT -> a.getF();
            case INT -> a.getI();
            case STRING -> a.getS().toStringUtf8();
            case TENSOR -> tensors.tensor(a.getT(), what);
            case GRAPH -> graphs.apply(a.getG(), name);
            case TYPE_PROTO -> heldType(a.getTp(), name, where);
            case FLOATS -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                yield f;
            }
            case INTS -> {
                long[] l = new long[a.getIntsCount()];
                for (int i = 0; i < l.length; i++) {
                    l[i] = a.getInts(i);
                }
                yield l;
            }
            case STRINGS -> {
                List<String> s = new ArrayList<>();
                for (ByteString b : a.getStringsList()) {
                    s.add(b.toStringUtf8());
                }
                yield List.copyOf(s);
            }
            case TENSORS -> {
                List<Tensor> ts = new ArrayList<>();
                for (OnnxMl.TensorProto t : a.getTensorsList()) {
                    ts.add(tensors.tensor(t, what));
                }
                yield List.copyOf(ts);
            }
            case GRAPHS -> {
                List<Graph> gs = new ArrayList<>();
                for (OnnxMl.GraphProto g : a.getGraphsList()) {
                    gs.add(graphs.apply(g, name));
                }
                yield List.copyOf(gs);
            }
            case TYPE_PROTOS -> {
                List<ValueType> ts = new ArrayList<>();
                for (OnnxMl.TypeProto t : a.getTypeProtosList()) {
                    ts.add(heldType(t, name, where));
                }
                yield List.copyOf(ts);
            }
            case SPARSE_TENSOR, SPARSE_TENSORS ->
                throw YardException.badInput(source + ": " + where + ": attribute '" + name
                        + "' holds a sparse tensor, which is not supported");
        };
        return new Attribute(name, kind, value, null);
    }

    /** A type an attribute holds: unlike a value's type, which may be left unknown, it must say what it is. */
    private ValueType heldType(OnnxMl.TypeProto t, String name, String where) {
        ValueType type = ProtoTypes.type(t, source, name);
        if (type == null) {
            throw YardException.badInput(
                    source + ": " + where + ": attribute '" + name + "' holds a type with nothing set");
        }
        return type;
    }

    /** The declared kind, or for old files that leave it out, the kind of the field that is set. */
    private Attribute.Kind kind(OnnxMl.AttributeProto a, String where) {
        if (a.hasType() && a.getType().getNumber() != 0) {
            Attribute.Kind k = Attribute.Kind.fromCode(a.getType().getNumber());
            if (k == null) {
                throw YardException.badInput(source + ": " + where + ": attribute '" + a.getName()
                        + "' has unknown type " + a.getType().getNumber());
            }
            return k;
        }
        if (a.hasF()) {
            return Attribute.Kind.FLOAT;
        } else if (a.hasI()) {
            return Attribute.Kind.INT;
        } else if (a.hasS()) {
            return Attribute.Kind.STRING;
        } else if (a.hasT()) {
            return Attribute.Kind.TENSOR;
        } else if (a.hasG()) {
            return Attribute.Kind.GRAPH;
        } else if (a.getFloatsCount() > 0) {
            return Attribute.Kind.FLOATS;
        } else if (a.getIntsCount() > 0) {
            return Attribute.Kind.INTS;
        } else if (a.getStringsCount() > 0) {
            return Attribute.Kind.STRINGS;
        } else if (a.getTensorsCount() > 0) {
            return Attribute.Kind.TENSORS;
        } else if (a.getGraphsCount() > 0) {
            return Attribute.Kind.GRAPHS;
        }
        throw YardException.badInput(
                source + ": " + where + ": attribute '" + a.getName() + "' has no type and no value");
    }
}
