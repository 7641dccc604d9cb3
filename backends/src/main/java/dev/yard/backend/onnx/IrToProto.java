package dev.yard.backend.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
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
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the {@code ModelProto} for an IR model; tensors view the IR's bytes without copying. */
final class IrToProto {
    private final OnnxWriter.ExternalSink external;

    IrToProto(OnnxWriter.ExternalSink external) {
        this.external = external;
    }

    OnnxMl.ModelProto model(Model m) {
        OnnxMl.ModelProto.Builder b =
                OnnxMl.ModelProto.newBuilder().setIrVersion(m.irVersion()).setGraph(graph(m.graph(), true));
        opsets(m.opsetImports(), b::addOpsetImport);
        if (!m.producerName().isEmpty()) {
            b.setProducerName(m.producerName());
        }
        if (!m.producerVersion().isEmpty()) {
            b.setProducerVersion(m.producerVersion());
        }
        if (!m.domain().isEmpty()) {
            b.setDomain(m.domain());
        }
        if (m.modelVersion() != 0) {
            b.setModelVersion(m.modelVersion());
        }
        if (!m.docString().isEmpty()) {
            b.setDocString(m.docString());
        }
        for (Map.Entry<String, String> e : m.metadata().entrySet()) {
            b.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                    .setKey(e.getKey())
                    .setValue(e.getValue()));
        }
        for (Function f : m.functions()) {
            b.addFunctions(function(f));
        }
        return b.build();
    }

    private static void opsets(Map<String, Long> imports, java.util.function.Consumer<OnnxMl.OperatorSetIdProto> add) {
        for (Map.Entry<String, Long> e : imports.entrySet()) {
            add.accept(OnnxMl.OperatorSetIdProto.newBuilder()
                    .setDomain(e.getKey())
                    .setVersion(e.getValue())
                    .build());
        }
    }

    private OnnxMl.FunctionProto function(Function f) {
        OnnxMl.FunctionProto.Builder b =
                OnnxMl.FunctionProto.newBuilder().setName(f.name()).setDomain(f.domain());
        if (!f.overload().isEmpty()) {
            b.setOverload(f.overload());
        }
        Graph body = f.body();
        for (Value v : body.inputs()) {
            b.addInput(v.name());
        }
        for (Value v : body.outputs()) {
            b.addOutput(v.name());
        }
        b.addAllAttribute(f.attributeNames());
        for (Attribute a : f.attributeDefaults()) {
            b.addAttributeProto(attribute(a));
        }
        for (Node n : body.nodes()) {
            b.addNode(node(n));
        }
        opsets(f.opsetImports(), b::addOpsetImport);
        if (!f.docString().isEmpty()) {
            b.setDocString(f.docString());
        }
        return b.build();
    }

    private OnnxMl.GraphProto graph(Graph g, boolean topLevel) {
        OnnxMl.GraphProto.Builder b = OnnxMl.GraphProto.newBuilder().setName(g.name());
        if (!g.docString().isEmpty()) {
            b.setDocString(g.docString());
        }
        for (Value v : g.inputs()) {
            b.addInput(valueInfo(v));
        }
        for (Value v : g.initializers()) {
            b.addInitializer(tensor(v.initializer(), v.name(), topLevel));
        }
        Set<Value> outputs = new HashSet<>(g.outputs());
        for (Node n : g.nodes()) {
            b.addNode(node(n));
            for (Value v : n.outputs()) {
                if (v != null && isComplete(v.type()) && !outputs.contains(v)) {
                    b.addValueInfo(valueInfo(v));
                }
            }
        }
        for (Value v : g.outputs()) {
            b.addOutput(valueInfo(v));
        }
        return b.build();
    }

    private OnnxMl.NodeProto node(Node n) {
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setOpType(n.opType());
        if (!n.name().isEmpty()) {
            b.setName(n.name());
        }
        if (!n.domain().isEmpty()) {
            b.setDomain(n.domain());
        }
        for (Value v : n.inputs()) {
            b.addInput(v == null ? "" : v.name());
        }
        for (Value v : n.outputs()) {
            b.addOutput(v == null ? "" : v.name());
        }
        for (Attribute a : n.attributes().values()) {
            b.addAttribute(attribute(a));
        }
        if (!n.docString().isEmpty()) {
            b.setDocString(n.docString());
        }
        return b.build();
    }

    private OnnxMl.ValueInfoProto valueInfo(Value v) {
        OnnxMl.ValueInfoProto.Builder b = OnnxMl.ValueInfoProto.newBuilder().setName(v.name());
        // A tensor type without element type is written as no type: ONNX Runtime rejects type 0.
        if (v.type() != null && !(v.type() instanceof ValueType.TensorType t && t.elementType() == null)) {
            b.setType(type(v.type()));
        }
        return b.build();
    }

    /** A type worth recording as value_info: known, and a tensor type only with its element type. */
    private static boolean isComplete(ValueType t) {
        return t != null && !(t instanceof ValueType.TensorType tt && tt.elementType() == null);
    }

    static OnnxMl.TypeProto type(ValueType t) {
        OnnxMl.TypeProto.Builder b = OnnxMl.TypeProto.newBuilder();
        if (t instanceof ValueType.TensorType tt) {
            OnnxMl.TypeProto.Tensor.Builder tb = OnnxMl.TypeProto.Tensor.newBuilder();
            if (tt.elementType() != null) {
                tb.setElemType(tt.elementType().code());
            }
            if (tt.shape() != null) {
                tb.setShape(shape(tt.shape()));
            }
            b.setTensorType(tb);
        } else if (t instanceof ValueType.SparseTensorType st) {
            OnnxMl.TypeProto.SparseTensor.Builder sb = OnnxMl.TypeProto.SparseTensor.newBuilder();
            if (st.elementType() != null) {
                sb.setElemType(st.elementType().code());
            }
            if (st.shape() != null) {
                sb.setShape(shape(st.shape()));
            }
            b.setSparseTensorType(sb);
        } else if (t instanceof ValueType.SequenceType s) {
            OnnxMl.TypeProto.Sequence.Builder sb = OnnxMl.TypeProto.Sequence.newBuilder();
            if (s.elementType() != null) {
                sb.setElemType(type(s.elementType()));
            }
            b.setSequenceType(sb);
        } else if (t instanceof ValueType.OptionalType o) {
            OnnxMl.TypeProto.Optional.Builder ob = OnnxMl.TypeProto.Optional.newBuilder();
            if (o.elementType() != null) {
                ob.setElemType(type(o.elementType()));
            }
            b.setOptionalType(ob);
        } else if (t instanceof ValueType.MapType mt) {
            OnnxMl.TypeProto.Map.Builder mb = OnnxMl.TypeProto.Map.newBuilder();
            if (mt.keyType() != null) {
                mb.setKeyType(mt.keyType().code());
            }
            if (mt.valueType() != null) {
                mb.setValueType(type(mt.valueType()));
            }
            b.setMapType(mb);
        }
        return b.build();
    }

    private static OnnxMl.TensorShapeProto shape(Shape s) {
        OnnxMl.TensorShapeProto.Builder b = OnnxMl.TensorShapeProto.newBuilder();
        for (Dim d : s.dims()) {
            OnnxMl.TensorShapeProto.Dimension.Builder db = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Dim.Known k) {
                db.setDimValue(k.size());
            } else if (d instanceof Dim.Symbolic sym) {
                db.setDimParam(sym.symbol());
            }
            b.addDim(db);
        }
        return b.build();
    }

    private OnnxMl.TensorProto tensor(Tensor t, String name, boolean mayGoExternal) {
        if (t.isPlaceholder()) {
            throw YardException.badInput("tensor " + (name == null ? "" : "'" + name + "' ") + t
                    + " is only a digest (from compact text), so the model cannot be written as ONNX");
        }
        OnnxMl.TensorProto.Builder b =
                OnnxMl.TensorProto.newBuilder().setDataType(t.elementType().code());
        if (name != null && !name.isEmpty()) {
            b.setName(name);
        }
        for (long d : t.dims()) {
            b.addDims(d);
        }
        if (t.elementType() == ElementType.STRING) {
            for (byte[] s : t.strings()) {
                b.addStringData(ByteString.copyFrom(s));
            }
        } else if (mayGoExternal && external != null && external.wants(t)) {
            long[] at;
            try {
                at = external.append(t);
            } catch (IOException e) {
                throw new YardException("cannot write external data: " + e.getMessage(), false, e);
            }
            b.setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL);
            b.addExternalData(entry("location", external.location()));
            b.addExternalData(entry("offset", Long.toString(at[0])));
            b.addExternalData(entry("length", Long.toString(at[1])));
        } else {
            b.setRawData(UnsafeByteOperations.unsafeWrap(t.raw()));
        }
        return b.build();
    }

    private static OnnxMl.StringStringEntryProto entry(String k, String v) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    @SuppressWarnings("unchecked")
    private OnnxMl.AttributeProto attribute(Attribute a) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder()
                .setName(a.name())
                .setType(OnnxMl.AttributeProto.AttributeType.forNumber(a.kind().code()));
        if (a.isReference()) {
            return b.setRefAttrName(a.refAttrName()).build();
        }
        Object v = a.value();
        switch (a.kind()) {
            case FLOAT -> b.setF((Float) v);
            case INT -> b.setI((Long) v);
            case STRING -> b.setS(ByteString.copyFromUtf8((String) v));
            case TENSOR -> b.setT(tensor((Tensor) v, null, false));
            case GRAPH -> b.setG(graph((Graph) v, false));
            case TYPE_PROTO -> b.setTp(type((ValueType) v));
            case FLOATS -> {
                for (float f : (float[]) v) {
                    b.addFloats(f);
                }
            }
            case INTS -> {
                for (long l : (long[]) v) {
                    b.addInts(l);
                }
            }
            case STRINGS -> {
                for (String s : (List<String>) v) {
                    b.addStrings(ByteString.copyFromUtf8(s));
                }
            }
            case TENSORS -> {
                for (Tensor t : (List<Tensor>) v) {
                    b.addTensors(tensor(t, null, false));
                }
            }
            case GRAPHS -> {
                for (Graph g : (List<Graph>) v) {
                    b.addGraphs(graph(g, false));
                }
            }
            case TYPE_PROTOS -> {
                for (ValueType t : (List<ValueType>) v) {
                    b.addTypeProtos(type(t));
                }
            }
            default ->
                throw new YardException(
                        "attribute '" + a.name() + "' of kind " + a.kind() + " cannot be written", false);
        }
        return b.build();
    }
}
