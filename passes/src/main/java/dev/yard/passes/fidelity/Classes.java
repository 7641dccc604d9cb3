package dev.yard.passes.fidelity;

import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.util.Arrays;

/** The predicted class of each row of an output (see {@link Metric} for which axis holds the classes). */
final class Classes {
    private Classes() {}

    /** The index of the largest score of each row, rows in row-major order of the other axes. */
    static int[] argmax(Tensor t) {
        long[] d = t.dims();
        float[] v = t.toFloatArray();
        if (d.length < 2 || d.length > 4) {
            throw YardException.badInput(
                    "a class metric reads outputs of rank 2 to 4, not of shape " + Arrays.toString(d));
        }
        int axis = d.length == 4 ? 1 : d.length - 1;
        int classes = (int) d[axis];
        int inner = 1;
        for (int i = axis + 1; i < d.length; i++) {
            inner *= (int) d[i];
        }
        int outer = v.length / Math.max(1, classes * inner);
        int[] best = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * classes * inner + i;
                int arg = 0;
                float max = v[base];
                for (int c = 1; c < classes; c++) {
                    float x = v[base + c * inner];
                    if (x > max) {
                        max = x;
                        arg = c;
                    }
                }
                best[o * inner + i] = arg;
            }
        }
        return best;
    }
}
