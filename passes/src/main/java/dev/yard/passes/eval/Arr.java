package dev.yard.passes.eval;

import dev.yard.ir.ElementType;
import dev.yard.ir.HalfFloats;
import dev.yard.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor being computed at compile time: element type, dimensions and the elements in one
 * of three unboxed forms. Real types hold doubles that are always exactly representable in
 * the element type (every operation rounds to it); integer and boolean types hold longs
 * wrapped to the type's width; strings hold byte strings. Data movement is
 * {@link #take(ElementType, long[], int[])}, so every layout op is just an index map.
 */
public record Arr(ElementType type, long[] dims, double[] reals, long[] ints, List<byte[]> strings) {

    public static boolean isReal(ElementType t) {
        return t == ElementType.FLOAT || t == ElementType.DOUBLE || t == ElementType.FLOAT16;
    }

    public static boolean isInteger(ElementType t) {
        return switch (t) {
            case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, BOOL -> true;
            default -> false;
        };
    }

    public int size() {
        return reals != null ? reals.length : ints != null ? ints.length : strings.size();
    }

    public int rank() {
        return dims.length;
    }

    static Arr ofInts(ElementType type, long[] dims, long[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = wrap(type, v[i]);
        }
        return new Arr(type, dims, null, v, null);
    }

    static Arr ofReals(ElementType type, long[] dims, double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = round(type, v[i]);
        }
        return new Arr(type, dims, v, null, null);
    }

    /** {@code v} rounded to real type {@code t}: one IEEE operation done in double and rounded is exact. */
    static double round(ElementType t, double v) {
        return switch (t) {
            case FLOAT -> (float) v;
            case FLOAT16 -> HalfFloats.round(ElementType.FLOAT16, v);
            default -> v;
        };
    }

    /** {@code v} wrapped to the width and signedness of integer type {@code t}. */
    static long wrap(ElementType t, long v) {
        return switch (t) {
            case INT8 -> (byte) v;
            case INT16 -> (short) v;
            case INT32 -> (int) v;
            case UINT8 -> v & 0xff;
            case UINT16 -> v & 0xffff;
            case UINT32 -> v & 0xffffffffL;
            case BOOL -> v != 0 ? 1 : 0;
            default -> v;
        };
    }

    /** A tensor the evaluator can read, or null when its type is not one it computes with. */
    public static Arr of(Tensor t) {
        ElementType e = t.elementType();
        long[] dims = t.dims();
        int n = Math.toIntExact(t.elementCount());
        if (e == ElementType.STRING) {
            return new Arr(e, dims, null, null, t.strings());
        }
        if (isReal(e)) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = t.getDouble(i);
            }
            return new Arr(e, dims, d, null, null);
        }
        if (isInteger(e)) {
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                l[i] = t.getLong(i);
            }
            return new Arr(e, dims, null, l, null);
        }
        return null;
    }

    public Tensor toTensor() {
        if (strings != null) {
            return Tensor.ofStrings(dims, strings);
        }
        if (reals != null) {
            return dev.yard.passes.numeric.Doubles.toTensor(type, dims, reals);
        }
        ByteBuffer b =
                ByteBuffer.allocate(Math.toIntExact(type.byteSize(ints.length))).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : ints) {
            switch (type.bits()) {
                case 64 -> b.putLong(v);
                case 32 -> b.putInt((int) v);
                case 16 -> b.putShort((short) v);
                default -> b.put((byte) v);
            }
        }
        b.flip();
        return Tensor.ofRaw(type, dims, b);
    }

    /** The elements at {@code from} (flat indices into this), as a tensor of {@code type} and {@code dims}. */
    Arr take(ElementType type, long[] dims, int[] from) {
        if (reals != null) {
            double[] d = new double[from.length];
            for (int i = 0; i < from.length; i++) {
                d[i] = reals[from[i]];
            }
            return new Arr(type, dims, d, null, null);
        }
        if (ints != null) {
            long[] l = new long[from.length];
            for (int i = 0; i < from.length; i++) {
                l[i] = ints[from[i]];
            }
            return new Arr(type, dims, null, l, null);
        }
        List<byte[]> s = new ArrayList<>(from.length);
        for (int f : from) {
            s.add(strings.get(f));
        }
        return new Arr(type, dims, null, null, s);
    }

    /** The elements of {@code a} then those of {@code b}, flat (same representation). */
    static Arr concatFlat(Arr a, Arr b) {
        if (a.reals != null) {
            double[] d = Arrays.copyOf(a.reals, a.reals.length + b.reals.length);
            System.arraycopy(b.reals, 0, d, a.reals.length, b.reals.length);
            return new Arr(a.type, new long[] {d.length}, d, null, null);
        }
        if (a.ints != null) {
            long[] l = Arrays.copyOf(a.ints, a.ints.length + b.ints.length);
            System.arraycopy(b.ints, 0, l, a.ints.length, b.ints.length);
            return new Arr(a.type, new long[] {l.length}, null, l, null);
        }
        List<byte[]> s = new ArrayList<>(a.strings);
        s.addAll(b.strings);
        return new Arr(a.type, new long[] {s.size()}, null, null, s);
    }

    /** Elements as longs (integers as they are, reals truncated): for shapes, axes and indices. */
    long[] longs() {
        if (ints != null) {
            return ints.clone();
        }
        long[] out = new long[reals.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) reals[i];
        }
        return out;
    }
}
