package dev.yard.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The shape of a tensor: a list of dimensions. A tensor of unknown rank has no {@code Shape}
 * at all (its {@link ValueType.TensorType} holds null).
 */
public record Shape(List<Dim> dims) {

    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(long... sizes) {
        List<Dim> d = new ArrayList<>(sizes.length);
        for (long s : sizes) {
            d.add(Dim.of(s));
        }
        return new Shape(d);
    }

    public static Shape of(Dim... dims) {
        return new Shape(List.of(dims));
    }

    public int rank() {
        return dims.size();
    }

    public Dim dim(int i) {
        return dims.get(i);
    }

    /** True when every dimension has a known size. */
    public boolean isStatic() {
        return dims.stream().allMatch(Dim::isKnown);
    }

    /** The sizes of a static shape. */
    public long[] sizes() {
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            Dim d = dims.get(i);
            if (!(d instanceof Dim.Known k)) {
                throw new IllegalStateException("shape " + this + " is not static");
            }
            s[i] = k.size();
        }
        return s;
    }

    /** Number of elements of a static shape. */
    public long elementCount() {
        long n = 1;
        for (long s : sizes()) {
            n *= s;
        }
        return n;
    }

    @Override
    public String toString() {
        return dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]"));
    }
}
