package dev.yard.backend.ort;

import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The im2col patches a 2-D conv reads, sampled for their covariance, each ordered (c, i, j)
 * like a row of its OIHW kernel, from the activation tensor [N, C, H, W] it was fed (zero
 * padding included).
 */
final class PatchCovariance {
    private PatchCovariance() {}

    /**
     * Sampled patches of what {@code original} feeds the conv, and with {@code approximate}
     * (same shape, may be null) the same patches of it: what a model with earlier layers
     * replaced feeds it, for sequential fitting. Null when the conv is not one measured.
     */
    static OrtCalibration.Picked rows(
            Node conv, Tensor original, Tensor approximate, int maxSamples, SplittableRandom random) {
        Patches p = Patches.of(conv, original.dims());
        if (p == null || approximate != null && !Arrays.equals(original.dims(), approximate.dims())) {
            return null;
        }
        int[] pick = sample(p.count(), maxSamples, random);
        double[] a = p.rows(original.toFloatArray(), pick);
        return new OrtCalibration.Picked(
                approximate == null ? new double[][] {a} : new double[][] {a, p.rows(approximate.toFloatArray(), pick)},
                p.dim());
    }

    /** The im2col view of one conv over an input of given dims [N, C, H, W]. */
    private record Patches(int n, int c, int h, int w, int kh, int kw, int[] s, int[] dil, int[] p, int oh, int ow) {
        /** Null when the conv is grouped, pads automatically or has no output positions. */
        static Patches of(Node conv, long[] d) {
            Tensor k = conv.input(1) != null && conv.input(1).isInitializer()
                    ? conv.input(1).initializer()
                    : null;
            if (d.length != 4 || k == null || k.rank() != 4 || conv.intAttr("group", 1) != 1) {
                return null;
            }
            String autoPad = conv.stringAttr("auto_pad", "NOTSET");
            if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
                return null;
            }
            int h = (int) d[2];
            int w = (int) d[3];
            int kh = (int) k.dims()[2];
            int kw = (int) k.dims()[3];
            int[] s = ints(conv.intsAttr("strides"), 2, 1);
            int[] dil = ints(conv.intsAttr("dilations"), 2, 1);
            int[] p = ints(conv.intsAttr("pads"), 4, 0);
            int oh = (h + p[0] + p[2] - ((kh - 1) * dil[0] + 1)) / s[0] + 1;
            int ow = (w + p[1] + p[3] - ((kw - 1) * dil[1] + 1)) / s[1] + 1;
            if (oh <= 0 || ow <= 0) {
                return null;
            }
            return new Patches((int) d[0], (int) d[1], h, w, kh, kw, s, dil, p, oh, ow);
        }

        int count() {
            return n * oh * ow;
        }

        int dim() {
            return c * kh * kw;
        }

        /** The patches at output positions {@code pick}, one row each (zero padding included). */
        double[] rows(float[] v, int[] pick) {
            int dim = dim();
            double[] rows = new double[pick.length * dim];
            for (int r = 0; r < pick.length; r++) {
                int pos = pick[r];
                int b = pos / (oh * ow);
                int oy = pos / ow % oh;
                int ox = pos % ow;
                int at = r * dim;
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < kh; i++) {
                        int yy = oy * s[0] - p[0] + i * dil[0];
                        for (int j = 0; j < kw; j++) {
                            int xx = ox * s[1] - p[1] + j * dil[1];
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                rows[at] = v[((b * c + ch) * h + yy) * w + xx];
                            }
                            at++;
                        }
                    }
                }
            }
            return rows;
        }
    }

    /** All of {@code 0..count-1} when few enough, else a seeded sample of {@code max} of them, sorted. */
    static int[] sample(int count, int max, SplittableRandom random) {
        if (count <= max) {
            int[] all = new int[count];
            Arrays.setAll(all, i -> i);
            return all;
        }
        // Partial Fisher-Yates over an index array: exact sampling without replacement.
        int[] idx = new int[count];
        Arrays.setAll(idx, i -> i);
        for (int i = 0; i < max; i++) {
            int j = i + random.nextInt(count - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] out = Arrays.copyOf(idx, max);
        Arrays.sort(out);
        return out;
    }

    private static int[] ints(long[] v, int n, int dflt) {
        int[] r = new int[n];
        Arrays.fill(r, dflt);
        if (v != null) {
            for (int i = 0; i < Math.min(n, v.length); i++) {
                r[i] = (int) v[i];
            }
        }
        return r;
    }
}
