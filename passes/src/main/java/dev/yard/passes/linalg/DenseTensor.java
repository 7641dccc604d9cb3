package dev.yard.passes.linalg;

import dev.yard.ir.ElementType;
import dev.yard.ir.HalfFloats;
import java.util.Arrays;

/**
 * A dense row-major tensor of doubles: the only data type the numerical core takes and
 * returns, so that it stays independent of the IR (the pass layer adapts IR tensors to it).
 *
 * <p>A conv kernel is OIHW {@code [Cout, Cin, kh, kw]}; a fully-connected weight is
 * {@code [N, M]} (outputs by inputs). Factors come back shaped as the conv weights of the
 * chain they implement, so a pass only wraps them. Weights stored as f16 or f32 are widened
 * here and narrowed again by {@link #toFloats()} or {@link #toHalfBits()}.
 *
 * <p>The record does not copy its array: treat both as immutable once built.
 */
public record DenseTensor(int[] shape, double[] data) {

    public DenseTensor {
        long size = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("non-positive dimension in " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
        }
    }

    public static DenseTensor of(double[] data, int... shape) {
        return new DenseTensor(shape.clone(), data);
    }

    public static DenseTensor zeros(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return new DenseTensor(shape.clone(), new double[Math.toIntExact(n)]);
    }

    public static DenseTensor fromFloats(float[] values, int... shape) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return new DenseTensor(shape.clone(), d);
    }

    /** Widens IEEE binary16 bit patterns (as stored in ONNX f16 tensors). */
    public static DenseTensor fromHalfBits(short[] bits, int... shape) {
        double[] d = new double[bits.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = HalfFloats.fromHalf(bits[i]);
        }
        return new DenseTensor(shape.clone(), d);
    }

    public float[] toFloats() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return f;
    }

    /** Narrows to binary16, each value rounded once to nearest even; out-of-range values become infinities. */
    public short[] toHalfBits() {
        short[] h = new short[data.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = HalfFloats.toHalf(data[i]);
        }
        return h;
    }

    /** The same values rounded to what the given storage type can hold (still as doubles). */
    public DenseTensor roundedTo(WeightType type) {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = switch (type) {
                case F64 -> data[i];
                case F32 -> (float) data[i];
                case F16 -> HalfFloats.round(ElementType.FLOAT16, data[i]);
            };
        }
        return new DenseTensor(shape, d);
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return data.length;
    }

    /** The same data seen as a matrix of the first dimension by the product of the rest. */
    public DenseTensor asMatrix() {
        return new DenseTensor(new int[] {shape[0], data.length / shape[0]}, data);
    }

    public DenseTensor reshape(int... newShape) {
        return new DenseTensor(newShape.clone(), data);
    }

    public double frobeniusNorm() {
        return Math.sqrt(squaredNorm(data));
    }

    /** ||this - other|| / ||this||, the error measure every decomposition reports. */
    public double relativeErrorTo(DenseTensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException(Arrays.toString(shape) + " vs " + Arrays.toString(other.shape));
        }
        double diff = 0;
        for (int i = 0; i < data.length; i++) {
            double e = data[i] - other.data[i];
            diff += e * e;
        }
        double ref = squaredNorm(data);
        return ref == 0 ? Math.sqrt(diff) : Math.sqrt(diff / ref);
    }

    static double squaredNorm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "DenseTensor" + Arrays.toString(shape);
    }
}
