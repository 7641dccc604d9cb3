package dev.yard.frontend.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.yard.ir.ElementType;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@code TensorProto}s into packed IR tensors, from whichever field holds the data:
 * {@code raw_data} (viewed, not copied), the typed repeated fields, or an external file.
 */
final class ProtoTensors {
    private final String source;
    private final ExternalData external;

    ProtoTensors(String source, ExternalData external) {
        this.source = source;
        this.external = external;
    }

    Tensor tensor(OnnxMl.TensorProto t, String what) {
        ElementType type = ElementType.fromCode(t.getDataType());
        if (type == null) {
            throw YardException.badInput(
                    source + ": tensor '" + what + "' has unknown element type " + t.getDataType());
        }
        if (t.hasSegment()) {
            throw YardException.badInput(source + ": tensor '" + what + "' is segmented, which is not supported");
        }
        long[] dims = new long[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) {
                throw YardException.badInput(source + ": tensor '" + what + "' has negative dimension " + dims[i]);
            }
            try {
                count = Math.multiplyExact(count, dims[i]);
            } catch (ArithmeticException e) {
                throw YardException.badInput(source + ": tensor '" + what + "' has dimensions "
                        + java.util.Arrays.toString(t.getDimsList().toArray()) + ", more than 2^63 elements");
            }
        }
        try {
            if (type == ElementType.STRING) {
                List<byte[]> s = new ArrayList<>(t.getStringDataCount());
                for (ByteString b : t.getStringDataList()) {
                    s.add(b.toByteArray());
                }
                return Tensor.ofStrings(dims, s);
            }
            if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                return Tensor.ofRaw(type, dims, externalBytes(t, what));
            }
            if (t.hasRawData()) {
                return Tensor.ofRaw(type, dims, t.getRawData().asReadOnlyByteBuffer());
            }
            return Tensor.ofRaw(type, dims, typedFields(t, type, count, what));
        } catch (IllegalArgumentException e) {
            throw YardException.badInput(source + ": tensor '" + what + "': " + e.getMessage(), e);
        }
    }

    private ByteBuffer externalBytes(OnnxMl.TensorProto t, String what) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> {
                        length = Long.parseLong(e.getValue());
                        if (length < 0) {
                            throw YardException.badInput(
                                    source + ": tensor '" + what + "': negative external data length " + e.getValue());
                        }
                    }
                    default -> {}
                }
            } catch (NumberFormatException ex) {
                throw YardException.badInput(source + ": tensor '" + what + "': bad external data " + e.getKey() + " '"
                        + e.getValue() + "'");
            }
        }
        if (location == null) {
            throw YardException.badInput(source + ": tensor '" + what + "' has external data without a location");
        }
        return external.slice(what, location, offset, length);
    }

    /** Packs the typed repeated fields into little-endian bytes of the element type. */
    private ByteBuffer typedFields(OnnxMl.TensorProto t, ElementType type, long count, String what) {
        if (count > Integer.MAX_VALUE / 8) {
            // Typed fields hold what a protobuf message can (under 2 GiB); a shape this large
            // without raw or external data cannot be filled.
            throw YardException.badInput(source + ": tensor '" + what + "' has dimensions "
                    + java.util.Arrays.toString(t.getDimsList().toArray()) + " (" + count + " elements) but no raw or "
                    + "external data, and typed fields cannot hold that many");
        }
        // The field must hold what the shape needs before anything is allocated: below the limit
        // above, a shape alone still claims up to 4 GiB that nothing in the file backs.
        int n = Math.toIntExact(count);
        need(
                fieldCount(t, type, what),
                switch (type) {
                    case COMPLEX64, COMPLEX128 -> 2L * n;
                    // Each int32_data entry holds one byte: two packed 4-bit elements.
                    case INT4, UINT4, FLOAT4E2M1 -> type.byteSize(n);
                    default -> n;
                },
                what);
        ByteBuffer b =
                ByteBuffer.allocate(Math.toIntExact(type.byteSize(count))).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT -> {
                for (int i = 0; i < n; i++) {
                    b.putFloat(t.getFloatData(i));
                }
            }
            case COMPLEX64 -> {
                for (int i = 0; i < 2 * n; i++) {
                    b.putFloat(t.getFloatData(i));
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    b.putDouble(t.getDoubleData(i));
                }
            }
            case COMPLEX128 -> {
                for (int i = 0; i < 2 * n; i++) {
                    b.putDouble(t.getDoubleData(i));
                }
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    b.putLong(t.getInt64Data(i));
                }
            }
            case UINT32 -> {
                for (int i = 0; i < n; i++) {
                    b.putInt((int) t.getUint64Data(i));
                }
            }
            case UINT64 -> {
                for (int i = 0; i < n; i++) {
                    b.putLong(t.getUint64Data(i));
                }
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    b.putInt(t.getInt32Data(i));
                }
            }
            case INT16, UINT16, FLOAT16, BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    b.putShort((short) t.getInt32Data(i));
                }
            }
            case INT8, UINT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> {
                for (int i = 0; i < n; i++) {
                    b.put((byte) t.getInt32Data(i));
                }
            }
            case INT4, UINT4, FLOAT4E2M1 -> {
                for (int i = 0; i < b.capacity(); i++) {
                    b.put((byte) t.getInt32Data(i));
                }
            }
            default -> throw new IllegalStateException("no typed field for " + type);
        }
        b.flip();
        return b;
    }

    /** How many values the typed field that holds {@code type} has. */
    private int fieldCount(OnnxMl.TensorProto t, ElementType type, String what) {
        return switch (type) {
            case FLOAT, COMPLEX64 -> t.getFloatDataCount();
            case DOUBLE, COMPLEX128 -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            case INT32,
                    INT16,
                    UINT16,
                    FLOAT16,
                    BFLOAT16,
                    INT8,
                    UINT8,
                    BOOL,
                    FLOAT8E4M3FN,
                    FLOAT8E4M3FNUZ,
                    FLOAT8E5M2,
                    FLOAT8E5M2FNUZ,
                    INT4,
                    UINT4,
                    FLOAT4E2M1 -> t.getInt32DataCount();
            default ->
                throw YardException.badInput(
                        source + ": tensor '" + what + "' of type " + type.textName() + " has no data Yard can read");
        };
    }

    private void need(int have, long want, String what) {
        if (have != want) {
            throw YardException.badInput(
                    source + ": tensor '" + what + "' holds " + have + " values where its shape needs " + want);
        }
    }
}
