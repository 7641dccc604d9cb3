package dev.yard.passes.numeric;

/**
 * A per-channel affine map {@code y[c] = scale[c] * x[c] + shift[c]}, which is what an
 * inference-mode BatchNormalization computes, and the weight arithmetic that moves it into a
 * neighbouring linear layer. Everything is in double; callers round once when writing back.
 */
public record ChannelAffine(double[] scale, double[] shift) {

    /**
     * The map of BatchNormalization: {@code scale = gamma / sqrt(var + eps)},
     * {@code shift = beta - mean * scale}. Throws when some {@code var + eps} is not positive.
     */
    public static ChannelAffine ofBatchNorm(double[] gamma, double[] beta, double[] mean, double[] var, double eps) {
        int c = gamma.length;
        double[] s = new double[c];
        double[] t = new double[c];
        for (int i = 0; i < c; i++) {
            double denom = var[i] + eps;
            if (!(denom > 0)) {
                throw new ArithmeticException("variance + epsilon of channel " + i + " is " + denom);
            }
            s[i] = gamma[i] / Math.sqrt(denom);
            t[i] = beta[i] - mean[i] * s[i];
        }
        return new ChannelAffine(s, t);
    }

    public int channels() {
        return scale.length;
    }

    /**
     * {@code w} with the slice at index {@code c} of {@code axis} multiplied by {@code scale[c]}:
     * the weights of a linear layer followed by this map, when {@code axis} is its output
     * channel axis, or preceded by it, when {@code axis} is its input channel axis.
     */
    public double[] scaleAlong(double[] w, long[] dims, int axis) {
        long inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        int n = (int) dims[axis];
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] * scale[(int) ((i / inner) % n)];
        }
        return out;
    }

    /** The bias of a layer with bias {@code b} (null: none) followed by this map: {@code scale * b + shift}. */
    public double[] biasAfter(double[] b) {
        double[] out = new double[channels()];
        for (int c = 0; c < out.length; c++) {
            out[c] = b == null ? shift[c] : scale[c] * b[c] + shift[c];
        }
        return out;
    }

    /**
     * The bias of a layer preceded by this map, for weights {@code w} laid out
     * [out, in, rest...] (a group=1 conv): {@code b[o] + sum over in, rest of w[o,in,...] * shift[in]}.
     * Exact only when the layer never sees padding: a padded border reads zeros, not {@code shift}.
     */
    public double[] biasBefore(double[] w, long[] dims, double[] b) {
        int out = (int) dims[0];
        int in = (int) dims[1];
        int rest = w.length / (out * in);
        double[] r = new double[out];
        for (int o = 0; o < out; o++) {
            double acc = b == null ? 0 : b[o];
            for (int i = 0; i < in; i++) {
                for (int k = 0; k < rest; k++) {
                    acc += w[(o * in + i) * rest + k] * shift[i];
                }
            }
            r[o] = acc;
        }
        return r;
    }
}
