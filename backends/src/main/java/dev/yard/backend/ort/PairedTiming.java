package dev.yard.backend.ort;

import dev.yard.ir.Tensor;
import java.util.Map;

/**
 * Two models timed against each other on the same inputs, as {@code optimize} compares an
 * input and its result: rounds in alternating order (ab, ba, ab, ba), the best median of
 * each model kept. The model timed first in a process pays for warming up (LeNet: 34 us
 * first, 16 us after), and a shared machine's load drifts from second to second; alternating
 * and keeping the best of each cancels both.
 */
public final class PairedTiming {
    private PairedTiming() {}

    /** Median milliseconds per run of {@code a} and of {@code b}, in that order. */
    public static double[] medianMillis(OrtSession a, OrtSession b, Map<String, Tensor> inputs) {
        double la = Double.MAX_VALUE;
        double lb = Double.MAX_VALUE;
        for (int round = 0; round < 4; round++) {
            if (round % 2 == 0) {
                la = Math.min(la, a.medianMillis(inputs, 3, 5, 250, 400));
                lb = Math.min(lb, b.medianMillis(inputs, 3, 5, 250, 400));
            } else {
                lb = Math.min(lb, b.medianMillis(inputs, 3, 5, 250, 400));
                la = Math.min(la, a.medianMillis(inputs, 3, 5, 250, 400));
            }
        }
        return new double[] {la, lb};
    }
}
