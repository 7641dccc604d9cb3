package dev.yard.ir;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable constant tensor: element type, dimensions and the elements, stored packed in
 * little-endian bytes exactly as ONNX's {@code raw_data} holds them (no boxing, 4-bit types
 * two to a byte). String tensors hold their elements as byte strings instead.
 */
public final class Tensor {
    private final ElementType type;
    private final long[] dims;
    private final ByteBuffer data;
    private final List<byte[]> strings;
    /** Set only for a placeholder: the digest of contents that were not kept. */
    private final String placeholderDigest;

    private Tensor(ElementType type, long[] dims, ByteBuffer data, List<byte[]> strings) {
        this(type, dims, data, strings, null);
    }

    private Tensor(ElementType type, long[] dims, ByteBuffer data, List<byte[]> strings, String placeholderDigest) {
        this.type = type;
        this.dims = dims.clone();
        this.data = data;
        this.strings = strings;
        this.placeholderDigest = placeholderDigest;
    }

    /**
     * A tensor whose contents are known only by their {@link #digest()}, as compact text
     * gives them. It has a type and a shape but no elements: reading them throws.
     */
    public static Tensor placeholder(ElementType type, long[] dims, String digest) {
        count(dims);
        return new Tensor(type, dims, null, null, digest);
    }

    /** True for a tensor made by {@link #placeholder}, which has no elements to read. */
    public boolean isPlaceholder() {
        return placeholderDigest != null;
    }

    private void requireContents() {
        if (placeholderDigest != null) {
            throw new IllegalStateException("the contents of this " + this
                    + " tensor are only known by digest (it was read from compact text)");
        }
    }

    /**
     * A tensor over raw little-endian bytes. The buffer is not copied: the caller hands it
     * over and must not change it afterwards.
     */
    public static Tensor ofRaw(ElementType type, long[] dims, ByteBuffer raw) {
        if (type == ElementType.STRING) {
            throw new IllegalArgumentException("string tensors are made with ofStrings");
        }
        long count = count(dims);
        if (count > Long.MAX_VALUE / Math.max(1, type.bits())) {
            throw new IllegalArgumentException("a " + type.textName() + Arrays.toString(dims) + " tensor of " + count
                    + " elements is larger than any file can hold");
        }
        long need = type.byteSize(count);
        if (raw.remaining() != need) {
            throw new IllegalArgumentException("a " + type.textName() + Arrays.toString(dims) + " tensor needs " + need
                    + " bytes, got " + raw.remaining());
        }
        ByteBuffer b =
                raw.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return new Tensor(type, dims, b, null);
    }

    public static Tensor ofStrings(long[] dims, List<byte[]> values) {
        if (values.size() != count(dims)) {
            throw new IllegalArgumentException("a string" + Arrays.toString(dims) + " tensor needs " + count(dims)
                    + " elements, got " + values.size());
        }
        return new Tensor(ElementType.STRING, dims, null, List.copyOf(values));
    }

    public static Tensor ofFloats(long[] dims, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return ofRaw(ElementType.FLOAT, dims, b);
    }

    public static Tensor ofLongs(long[] dims, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return ofRaw(ElementType.INT64, dims, b);
    }

    /** A tensor of the given floating-point type holding {@code values}, rounded to that type. */
    public static Tensor ofFloatsAs(ElementType type, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate((int) type.byteSize(values.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            switch (type) {
                case FLOAT -> b.putFloat(i * 4, values[i]);
                case DOUBLE -> b.putDouble(i * 8, values[i]);
                case FLOAT16 -> b.putShort(i * 2, HalfFloats.toHalf(values[i]));
                case BFLOAT16 -> b.putShort(i * 2, HalfFloats.toBfloat16(values[i]));
                default -> throw new IllegalArgumentException("not a float type I can write: " + type);
            }
        }
        return ofRaw(type, dims, b);
    }

    /**
     * A tensor of the given floating-point type holding {@code values}, each rounded once from
     * double to that type ({@link HalfFloats} for the 16-bit types): what a computation done in
     * double writes.
     */
    public static Tensor ofDoublesAs(ElementType type, long[] dims, double[] values) {
        ByteBuffer b = ByteBuffer.allocate((int) type.byteSize(values.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            switch (type) {
                case FLOAT -> b.putFloat(i * 4, (float) values[i]);
                case DOUBLE -> b.putDouble(i * 8, values[i]);
                case FLOAT16 -> b.putShort(i * 2, HalfFloats.toHalf(values[i]));
                case BFLOAT16 -> b.putShort(i * 2, HalfFloats.toBfloat16(values[i]));
                default -> throw new IllegalArgumentException("not a float type I can write: " + type);
            }
        }
        return ofRaw(type, dims, b);
    }

    private static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(
                        "the dimensions " + Arrays.toString(dims) + " hold more than 2^63 elements");
            }
        }
        return n;
    }

    public ElementType elementType() {
        return type;
    }

    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public Shape shape() {
        return Shape.of(dims);
    }

    public long elementCount() {
        return count(dims);
    }

    /** Size of the packed data in bytes (for strings, the sum of their lengths). */
    public long byteSize() {
        if (placeholderDigest != null) {
            return type == ElementType.STRING ? 0 : type.byteSize(elementCount());
        }
        if (strings != null) {
            return strings.stream().mapToLong(s -> s.length).sum();
        }
        return data.remaining();
    }

    /** A read-only little-endian view of the packed data (not for string tensors). */
    public ByteBuffer raw() {
        requireContents();
        if (strings != null) {
            throw new IllegalStateException("string tensors have no raw data");
        }
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The elements of a string tensor. */
    public List<byte[]> strings() {
        requireContents();
        if (strings == null) {
            throw new IllegalStateException(type.textName() + " tensor holds no strings");
        }
        return strings;
    }

    /** Element {@code i} of a real numeric or boolean tensor as a double. */
    public double getDouble(long i) {
        requireContents();
        int at = Math.toIntExact(i);
        return switch (type) {
            case FLOAT -> data.getFloat(at * 4);
            case DOUBLE -> data.getDouble(at * 8);
            case FLOAT16 -> HalfFloats.fromHalf(data.getShort(at * 2));
            case BFLOAT16 -> HalfFloats.fromBfloat16(data.getShort(at * 2));
            case INT8 -> data.get(at);
            case UINT8, BOOL -> data.get(at) & 0xff;
            case INT16 -> data.getShort(at * 2);
            case UINT16 -> data.getShort(at * 2) & 0xffff;
            case INT32 -> data.getInt(at * 4);
            case UINT32 -> data.getInt(at * 4) & 0xffffffffL;
            case INT64 -> data.getLong(at * 8);
            case UINT64 -> unsignedToDouble(data.getLong(at * 8));
            default -> throw new UnsupportedOperationException("element access for " + type.textName());
        };
    }

    private static double unsignedToDouble(long v) {
        double d = (double) (v >>> 1) * 2.0;
        return d + (v & 1);
    }

    /** Element {@code i} of an integer or boolean tensor as a long (uint64 wraps). */
    public long getLong(long i) {
        requireContents();
        int at = Math.toIntExact(i);
        return switch (type) {
            case INT64, UINT64 -> data.getLong(at * 8);
            case INT32 -> data.getInt(at * 4);
            case UINT32 -> data.getInt(at * 4) & 0xffffffffL;
            case INT16 -> data.getShort(at * 2);
            case UINT16 -> data.getShort(at * 2) & 0xffff;
            case INT8 -> data.get(at);
            case UINT8, BOOL -> data.get(at) & 0xff;
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> (long) getDouble(i);
            default -> throw new UnsupportedOperationException("element access for " + type.textName());
        };
    }

    /** All elements of a real tensor as floats, converting from the stored type. */
    public float[] toFloatArray() {
        requireContents();
        int n = Math.toIntExact(elementCount());
        float[] out = new float[n];
        if (type == ElementType.FLOAT) {
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    /** All elements of an integer tensor as longs. */
    public long[] toLongArray() {
        requireContents();
        int n = Math.toIntExact(elementCount());
        long[] out = new long[n];
        if (type == ElementType.INT64) {
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = getLong(i);
        }
        return out;
    }

    /** A SHA-256 digest of type, dimensions and contents, hex, for compact printing and comparison. */
    public String digest() {
        if (placeholderDigest != null) {
            return placeholderDigest;
        }
        Hasher h = Hashing.sha256().newHasher();
        h.putInt(type.code());
        for (long d : dims) {
            h.putLong(d);
        }
        if (strings != null) {
            for (byte[] s : strings) {
                h.putInt(s.length).putBytes(s);
            }
        } else {
            h.putBytes(data.duplicate());
        }
        return h.hash().toString();
    }

    /** Same type, dimensions and bytes (for a placeholder: the same digest). */
    public boolean contentEquals(Tensor other) {
        if (type != other.type || !Arrays.equals(dims, other.dims)) {
            return false;
        }
        if (placeholderDigest != null || other.placeholderDigest != null) {
            return digest().equals(other.digest());
        }
        if (strings != null) {
            if (strings.size() != other.strings.size()) {
                return false;
            }
            for (int i = 0; i < strings.size(); i++) {
                if (!Arrays.equals(strings.get(i), other.strings.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return data.equals(other.data);
    }

    @Override
    public String toString() {
        return type.textName() + Arrays.toString(dims);
    }
}
