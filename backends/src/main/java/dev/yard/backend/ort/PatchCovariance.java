package dev.yard.backend.ort;

import dev.yard.ir.ConvGeometry;
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
        /** Null when the conv is grouped, its geometry is unknown or it has no output positions. */
        static Patches of(Node conv, long[] d) {
            Tensor k = conv.input(1) != null && conv.input(1).isInitializer()
                    ? conv.input(1).initializer()
                    : null;
            ConvGeometry g = ConvGeometry.of(conv).orElse(null);
            if (d.length != 4 || k == null || g == null || g.group() != 1) {
                return null;
            }
            long[] out = g.outputSize(d[2], d[3]);
            if (out[0] <= 0 || out[1] <= 0) {
                return null;
            }
            return new Patches(
                    (int) d[0],
                    (int) d[1],
                    (int) d[2],
                    (int) d[3],
                    g.kh(),
                    g.kw(),
                    g.strides(),
                    g.dilations(),
                    g.pads(),
                    (int) out[0],
                    (int) out[1]);
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
}
