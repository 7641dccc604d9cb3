package dev.yard.ir;

import java.util.HashMap;
import java.util.Map;

/**
 * The element types of ONNX tensors, with their protobuf codes, the names ONNX's textual
 * syntax uses for them, and their storage width in bits.
 */
public enum ElementType {
    FLOAT(1, "float", 32),
    UINT8(2, "uint8", 8),
    INT8(3, "int8", 8),
    UINT16(4, "uint16", 16),
    INT16(5, "int16", 16),
    INT32(6, "int32", 32),
    INT64(7, "int64", 64),
    STRING(8, "string", 0),
    BOOL(9, "bool", 8),
    FLOAT16(10, "float16", 16),
    DOUBLE(11, "double", 64),
    UINT32(12, "uint32", 32),
    UINT64(13, "uint64", 64),
    COMPLEX64(14, "complex64", 64),
    COMPLEX128(15, "complex128", 128),
    BFLOAT16(16, "bfloat16", 16),
    FLOAT8E4M3FN(17, "float8e4m3fn", 8),
    FLOAT8E4M3FNUZ(18, "float8e4m3fnuz", 8),
    FLOAT8E5M2(19, "float8e5m2", 8),
    FLOAT8E5M2FNUZ(20, "float8e5m2fnuz", 8),
    UINT4(21, "uint4", 4),
    INT4(22, "int4", 4),
    FLOAT4E2M1(23, "float4e2m1", 4);

    private static final Map<Integer, ElementType> BY_CODE = new HashMap<>();
    private static final Map<String, ElementType> BY_NAME = new HashMap<>();

    static {
        for (ElementType t : values()) {
            BY_CODE.put(t.code, t);
            BY_NAME.put(t.textName, t);
        }
    }

    private final int code;
    private final String textName;
    private final int bits;

    ElementType(int code, String textName, int bits) {
        this.code = code;
        this.textName = textName;
        this.bits = bits;
    }

    /** The {@code TensorProto.DataType} number. */
    public int code() {
        return code;
    }

    /** The name in ONNX's textual syntax, e.g. {@code float16}. */
    public String textName() {
        return textName;
    }

    /** Storage width of one element in bits; 0 for strings, 4 for the packed 4-bit types. */
    public int bits() {
        return bits;
    }

    public boolean isFloatingPoint() {
        return switch (this) {
            case FLOAT,
                    FLOAT16,
                    DOUBLE,
                    BFLOAT16,
                    FLOAT8E4M3FN,
                    FLOAT8E4M3FNUZ,
                    FLOAT8E5M2,
                    FLOAT8E5M2FNUZ,
                    FLOAT4E2M1 -> true;
            default -> false;
        };
    }

    /**
     * Whether single elements can be read as numbers ({@code Tensor.getDouble}, {@code getLong}):
     * the real types of at least 16 bits, the integers of at least 8, and bool; not strings,
     * complex numbers, or the 8- and 4-bit float and 4-bit integer formats.
     */
    public boolean hasElementAccess() {
        return switch (this) {
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16, UINT8, INT8, UINT16, INT16, INT32, INT64, UINT32, UINT64, BOOL ->
                true;
            default -> false;
        };
    }

    /** Bytes needed to store {@code count} elements packed (4-bit types share a byte). */
    public long byteSize(long count) {
        if (this == STRING) {
            throw new IllegalStateException("string tensors have no fixed byte size");
        }
        return (count * bits + 7) / 8;
    }

    /** The type with the given protobuf code, or null if there is none. */
    public static ElementType fromCode(int code) {
        return BY_CODE.get(code);
    }

    /** The type with the given textual name, or null if there is none. */
    public static ElementType fromTextName(String name) {
        return BY_NAME.get(name);
    }
}
