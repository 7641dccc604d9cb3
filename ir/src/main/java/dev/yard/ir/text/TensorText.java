package dev.yard.ir.text;

import dev.yard.ir.ElementType;
import dev.yard.ir.Tensor;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tensor elements as ONNX's textual syntax spells them, both ways. Following ONNX, the
 * 16-bit and 8-bit float types are written as their bit patterns (unsigned integers), not as
 * decimal values, so they round-trip exactly; 4-bit types as one integer per element;
 * complex types as real and imaginary parts in turn; strings as UTF-8 string literals.
 */
final class TensorText {
    private TensorText() {}

    /** A malformed element: its index in the literal and what is wrong. */
    static final class BadElement extends RuntimeException {
        final int index;

        BadElement(int index, String message) {
            super(message, null, false, false);
            this.index = index;
        }
    }

    /**
     * Builds a tensor from element tokens (number tokens and string literals, as written).
     * The list may make each element on demand (see {@link #split}).
     */
    static Tensor parse(ElementType type, long[] dims, List<String> elements) {
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new BadElement(-1, "a tensor literal needs non-negative dimensions");
            }
            count = Math.multiplyExact(count, d);
        }
        int perElement = type == ElementType.COMPLEX64 || type == ElementType.COMPLEX128 ? 2 : 1;
        if (elements.size() != count * perElement) {
            throw new BadElement(
                    -1,
                    "a " + type.textName() + shapeText(dims) + " tensor needs " + count * perElement
                            + " values, the literal has " + elements.size());
        }
        if (type == ElementType.STRING) {
            List<byte[]> strings = new ArrayList<>(elements.size());
            for (int i = 0; i < elements.size(); i++) {
                String e = elements.get(i);
                if (!e.startsWith("\"")) {
                    throw new BadElement(i, "a string tensor holds string literals, not " + e);
                }
                strings.add(TextSyntax.unquote(e).getBytes(StandardCharsets.UTF_8));
            }
            return Tensor.ofStrings(dims, strings);
        }
        ByteBuffer b =
                ByteBuffer.allocate(Math.toIntExact(type.byteSize(count))).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < elements.size(); i++) {
            put(type, b, i, elements.get(i));
        }
        return Tensor.ofRaw(type, dims, b);
    }

    /**
     * The comma-separated elements of a {@code NUMBERS} token ({@code {1, 2.5, -inf}}), made
     * one at a time on demand so that a large tensor's text is not held twice.
     * {@link #offsetOf} gives where each starts, for error messages.
     */
    static final class Split extends java.util.AbstractList<String> {
        private final String text;
        private final int[] bounds;

        private Split(String text, int[] bounds) {
            this.text = text;
            this.bounds = bounds;
        }

        @Override
        public String get(int i) {
            return text.substring(bounds[2 * i], bounds[2 * i + 1]);
        }

        @Override
        public int size() {
            return bounds.length / 2;
        }

        int offsetOf(int i) {
            return bounds[2 * i];
        }
    }

    static Split split(String numbers) {
        int[] bounds = new int[16];
        int n = 0;
        int i = 1;
        int end = numbers.length() - 1;
        while (i < end) {
            while (i < end && (Character.isWhitespace(numbers.charAt(i)) || numbers.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < end && !Character.isWhitespace(numbers.charAt(i)) && numbers.charAt(i) != ',') {
                i++;
            }
            if (i > start) {
                if (n + 2 > bounds.length) {
                    bounds = java.util.Arrays.copyOf(bounds, bounds.length * 2);
                }
                bounds[n++] = start;
                bounds[n++] = i;
            }
        }
        return new Split(numbers, java.util.Arrays.copyOf(bounds, n));
    }

    private static void put(ElementType type, ByteBuffer b, int i, String text) {
        switch (type) {
            case FLOAT, COMPLEX64 -> b.putFloat(i * 4, (float) real(i, text, true));
            case DOUBLE, COMPLEX128 -> b.putDouble(i * 8, real(i, text, false));
            case INT64 ->
                b.putLong(
                        i * 8,
                        integer(i, text, Long.MIN_VALUE, Long.MAX_VALUE, type).longValue());
            case UINT64 -> b.putLong(i * 8, integer(i, text, 0, -1, type).longValue());
            case INT32 -> b.putInt(i * 4, (int) signed(i, text, 32, type));
            case UINT32 -> b.putInt(i * 4, (int) unsigned(i, text, 32, type));
            case INT16 -> b.putShort(i * 2, (short) signed(i, text, 16, type));
            case UINT16, FLOAT16, BFLOAT16 -> b.putShort(i * 2, (short) unsigned(i, text, 16, type));
            case INT8 -> b.put(i, (byte) signed(i, text, 8, type));
            case UINT8, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ ->
                b.put(i, (byte) unsigned(i, text, 8, type));
            case BOOL -> b.put(i, (byte) unsigned(i, text, 1, type));
            case INT4 -> putNibble(b, i, (int) signed(i, text, 4, type));
            case UINT4, FLOAT4E2M1 -> putNibble(b, i, (int) unsigned(i, text, 4, type));
            default -> throw new BadElement(i, "cannot write " + type.textName() + " elements");
        }
    }

    /** 4-bit elements pack two to a byte, the first in the low half, as ONNX stores them. */
    private static void putNibble(ByteBuffer b, int i, int v) {
        int at = i / 2;
        int old = b.get(at) & 0xff;
        b.put(at, (byte) (i % 2 == 0 ? (old & 0xf0) | (v & 0xf) : (old & 0x0f) | ((v & 0xf) << 4)));
    }

    private static double real(int i, String text, boolean single) {
        try {
            return TextSyntax.parseReal(text, single);
        } catch (NumberFormatException e) {
            throw new BadElement(i, e.getMessage());
        }
    }

    private static long signed(int i, String text, int bits, ElementType type) {
        long limit = 1L << (bits - 1);
        return integer(i, text, -limit, limit - 1, type).longValue();
    }

    private static long unsigned(int i, String text, int bits, ElementType type) {
        return integer(i, text, 0, (1L << bits) - 1, type).longValue();
    }

    /** An integer token within [min, max]; a max of -1 with min 0 means the uint64 range. */
    private static BigInteger integer(int i, String text, long min, long max, ElementType type) {
        if (!TextSyntax.isIntegerToken(text)) {
            String what = type.isFloatingPoint() && type != ElementType.FLOAT && type != ElementType.DOUBLE
                    ? " (" + type.textName() + " elements are written as their bit patterns)"
                    : "";
            throw new BadElement(i, "expected an integer, found " + text + what);
        }
        BigInteger v = new BigInteger(text);
        BigInteger hi =
                max == -1 && min == 0 ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : BigInteger.valueOf(max);
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(hi) > 0) {
            throw new BadElement(i, text + " is out of range for " + type.textName());
        }
        return v;
    }

    /** Appends the elements of {@code t}, separated as onnx.printer does, without braces. */
    static void print(Tensor t, StringBuilder out) {
        ElementType type = t.elementType();
        if (type == ElementType.STRING) {
            List<byte[]> strings = t.strings();
            for (int i = 0; i < strings.size(); i++) {
                out.append(i == 0 ? "" : ", ")
                        .append(TextSyntax.quote(new String(strings.get(i), StandardCharsets.UTF_8)));
            }
            return;
        }
        ByteBuffer b = t.raw();
        long n = t.elementCount() * (type == ElementType.COMPLEX64 || type == ElementType.COMPLEX128 ? 2 : 1);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(',');
            }
            switch (type) {
                case FLOAT, COMPLEX64 -> out.append(TextSyntax.formatFloat(b.getFloat(i * 4)));
                case DOUBLE, COMPLEX128 -> out.append(TextSyntax.formatDouble(b.getDouble(i * 8)));
                case INT64 -> out.append(b.getLong(i * 8));
                case UINT64 -> out.append(Long.toUnsignedString(b.getLong(i * 8)));
                case INT32 -> out.append(b.getInt(i * 4));
                case UINT32 -> out.append(Integer.toUnsignedString(b.getInt(i * 4)));
                case INT16 -> out.append(b.getShort(i * 2));
                case UINT16, FLOAT16, BFLOAT16 -> out.append(b.getShort(i * 2) & 0xffff);
                case INT8 -> out.append(b.get(i));
                case UINT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ ->
                    out.append(b.get(i) & 0xff);
                case INT4 -> out.append((nibble(b, i) << 28) >> 28);
                case UINT4, FLOAT4E2M1 -> out.append(nibble(b, i));
                default -> throw new IllegalArgumentException("cannot print " + type.textName() + " elements");
            }
        }
    }

    private static int nibble(ByteBuffer b, int i) {
        int v = b.get(i / 2) & 0xff;
        return i % 2 == 0 ? v & 0xf : v >>> 4;
    }

    static String shapeText(long[] dims) {
        if (dims.length == 0) {
            return "";
        }
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : ",").append(dims[i]);
        }
        return s.append(']').toString();
    }
}
