package dev.yard.ir.infer;

import dev.yard.ir.Dim;
import dev.yard.ir.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sliding-window attributes shared by Conv and the pools over {@code n} spatial axes:
 * strides, dilations, pads (all begins, then all ends) and auto_pad, with ONNX's defaults.
 */
record Window(int n, long[] strides, long[] dilations, long[] pads, String autoPad) {

    static Window of(NodeContext c, int n) {
        return new Window(
                n, perAxis(c, "strides", n), perAxis(c, "dilations", n), pads(c, n), c.str("auto_pad", "NOTSET"));
    }

    private static long[] perAxis(NodeContext c, String name, int n) {
        long[] v = c.ints(name);
        if (v == null || v.length == 0) {
            long[] ones = new long[n];
            Arrays.fill(ones, 1);
            return ones;
        }
        if (v.length != n) {
            throw c.error(name + " has " + v.length + " entries for " + n + " spatial axes");
        }
        for (long x : v) {
            if (x <= 0) {
                throw c.error(name + " must be positive, got " + Arrays.toString(v));
            }
        }
        return v;
    }

    private static long[] pads(NodeContext c, int n) {
        long[] v = c.ints("pads");
        if (v == null || v.length == 0) {
            return new long[2 * n];
        }
        if (v.length != 2 * n) {
            throw c.error("pads has " + v.length + " entries for " + n + " spatial axes (needs " + 2 * n + ")");
        }
        return v;
    }

    /**
     * The spatial output dims for input spatial dims {@code in} and kernel sizes {@code kernel}
     * (an entry below 0 means that kernel size is unknown).
     */
    List<Dim> output(List<Dim> in, long[] kernel, boolean ceil) {
        List<Dim> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Dim x = in.get(i);
            switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> out.add(Dims.ceilDiv(x, strides[i]));
                case "VALID" ->
                    out.add(
                            kernel[i] < 0
                                    ? Dim.UNKNOWN
                                    : Dims.window(x, kernel[i], strides[i], dilations[i], 0, 0, false));
                default ->
                    out.add(
                            kernel[i] < 0
                                    ? Dim.UNKNOWN
                                    : Dims.window(x, kernel[i], strides[i], dilations[i], pads[i], pads[i + n], ceil));
            }
        }
        return out;
    }

    static List<Dim> spatial(Shape s) {
        return s.dims().subList(2, s.rank());
    }
}
