package dev.yard.backend.ort;

import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.passes.linalg.InputCovariance;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The covariance of the im2col patches a 2-D conv reads, ordered (c, i, j) like a row of its
 * OIHW kernel, from the activation tensor [N, C, H, W] it was fed (zero padding included).
 */
final class PatchCovariance {
    private PatchCovariance() {
    }

    static InputCovariance of(Node conv, Tensor x, int maxSamples, SplittableRandom random) {
        long[] d = x.dims();
        Tensor w = conv.input(1) != null && conv.input(1).isInitializer() ? conv.input(1).initializer() : null;
        if (d.length != 4 || w == null || w.rank() != 4 || conv.intAttr("group", 1) != 1) {
            return null;
        }
        String autoPad = conv.stringAttr("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            return null;
        }
        int n = (int) d[0];
        int c = (int) d[1];
        int h = (int) d[2];
        int wd = (int) d[3];
        long[] k = w.dims();
        int kh = (int) k[2];
        int kw = (int) k[3];
        int[] s = ints(conv.intsAttr("strides"), 2, 1);
        int[] dil = ints(conv.intsAttr("dilations"), 2, 1);
        int[] p = ints(conv.intsAttr("pads"), 4, 0);
        int oh = (h + p[0] + p[2] - ((kh - 1) * dil[0] + 1)) / s[0] + 1;
        int ow = (wd + p[1] + p[3] - ((kw - 1) * dil[1] + 1)) / s[1] + 1;
        if (oh <= 0 || ow <= 0) {
            return null;
        }
        float[] v = x.toFloatArray();
        int dim = c * kh * kw;
        int[] pick = sample(n * oh * ow, maxSamples, random);
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
                        if (yy >= 0 && yy < h && xx >= 0 && xx < wd) {
                            rows[at] = v[((b * c + ch) * h + yy) * wd + xx];
                        }
                        at++;
                    }
                }
            }
        }
        return InputCovariance.fromSamples(rows, dim);
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
