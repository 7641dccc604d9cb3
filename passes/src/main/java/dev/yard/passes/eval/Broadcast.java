package dev.yard.passes.eval;

import dev.yard.passes.eval.Evaluator.NotFoldable;

/** Index arithmetic on row-major dimensions: numpy broadcasting, strides, odometers. */
final class Broadcast {
    private Broadcast() {}

    static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] out = new long[n];
        int k = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }

    /** The broadcast of two shapes, aligned at the right (ONNX multidirectional broadcasting). */
    static long[] dims(long[] a, long[] b) throws NotFoldable {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            long y = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (x != y && x != 1 && y != 1) {
                throw new NotFoldable("shapes " + java.util.Arrays.toString(a) + " and " + java.util.Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    static long[] strides(long[] dims) {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** Advances a row-major position within {@code dims} by one element. */
    static void increment(long[] pos, long[] dims) {
        for (int a = pos.length - 1; a >= 0; a--) {
            if (++pos[a] < dims[a]) {
                return;
            }
            pos[a] = 0;
        }
    }

    /** Fills {@code into} with, for each element of {@code out}, the flat index of the element of {@code in} it reads. */
    static int[] map(long[] out, long[] in, int[] into) {
        int r = out.length;
        long[] inStrides = strides(in);
        long[] s = new long[r];
        for (int i = 0; i < in.length; i++) {
            int a = r - in.length + i;
            s[a] = in[i] == 1 ? 0 : inStrides[i];
        }
        long[] pos = new long[r];
        for (int i = 0; i < into.length; i++) {
            long src = 0;
            for (int a = 0; a < r; a++) {
                src += pos[a] * s[a];
            }
            into[i] = (int) src;
            increment(pos, out);
        }
        return into;
    }
}
