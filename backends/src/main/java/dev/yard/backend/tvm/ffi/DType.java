package dev.yard.backend.tvm.ffi;

import dev.yard.ir.ElementType;
import dev.yard.ir.YardException;

/**
 * An element type as TVM names it ({@code float32}) and as DLPack codes it (code, bits,
 * lanes). Only the types a CNN in Yard's IR carries between layers.
 */
public enum DType {
    FLOAT32(ElementType.FLOAT, "float32", 2, 32),
    FLOAT16(ElementType.FLOAT16, "float16", 2, 16),
    FLOAT64(ElementType.DOUBLE, "float64", 2, 64),
    BFLOAT16(ElementType.BFLOAT16, "bfloat16", 4, 16),
    INT64(ElementType.INT64, "int64", 0, 64),
    INT32(ElementType.INT32, "int32", 0, 32),
    INT8(ElementType.INT8, "int8", 0, 8),
    UINT8(ElementType.UINT8, "uint8", 1, 8),
    BOOL(ElementType.BOOL, "bool", 6, 8);

    private final ElementType elementType;
    private final String tvmName;
    private final int code;
    private final int bits;

    DType(ElementType elementType, String tvmName, int code, int bits) {
        this.elementType = elementType;
        this.tvmName = tvmName;
        this.code = code;
        this.bits = bits;
    }

    public ElementType elementType() {
        return elementType;
    }

    /** The name TVMScript and TVM's Python API use. */
    public String tvmName() {
        return tvmName;
    }

    int code() {
        return code;
    }

    int bits() {
        return bits;
    }

    /** The TVM type for an IR element type; an error naming {@code where} when TVM has none. */
    public static DType of(ElementType t, String where) {
        for (DType d : values()) {
            if (d.elementType == t) {
                return d;
            }
        }
        throw YardException.badInput(where + ": element type " + t.textName() + " is not supported by the TVM backend");
    }

    static DType ofDlpack(int code, int bits) {
        for (DType d : values()) {
            if (d.code == code && d.bits == bits) {
                return d;
            }
        }
        throw new YardException(
                "TVM returned a tensor of DLPack type code " + code + " bits " + bits + ", which Yard does not read",
                false);
    }
}
