package dev.yard.ir.analysis;

/**
 * Relative L2 error of outputs against a reference, ||actual - reference|| / ||reference||,
 * accumulated over any number of output pairs (all samples of one output, say).
 */
public final class RelativeL2 {
    private double diff;
    private double norm;

    /** Adds one pair; the arrays must have the same length. */
    public RelativeL2 add(float[] reference, float[] actual) {
        if (reference.length != actual.length) {
            throw new IllegalArgumentException(reference.length + " reference values, " + actual.length + " actual");
        }
        for (int i = 0; i < reference.length; i++) {
            double d = (double) actual[i] - reference[i];
            diff += d * d;
            norm += (double) reference[i] * reference[i];
        }
        return this;
    }

    public double value() {
        return Math.sqrt(diff / Math.max(norm, 1e-30));
    }

    public static double of(float[] reference, float[] actual) {
        return new RelativeL2().add(reference, actual).value();
    }
}
