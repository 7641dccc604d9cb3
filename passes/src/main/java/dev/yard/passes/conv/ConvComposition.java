package dev.yard.passes.conv;

import dev.yard.ir.Outcome;

/**
 * Composes two linear 2-D convolutions applied one after the other into one convolution,
 * exactly, when that is possible: on each spatial axis one of the two must be trivial (kernel
 * 1, stride 1, no padding), so the result takes the other's kernel, stride, padding and
 * dilation there. This covers a 1x1 before or after any conv, and a kh x 1 conv followed by a
 * 1 x kw conv (the middle of CP and TT chains). A bias of the first conv passes through the
 * second, which is exact only if the second conv pads nothing (padding inserts zeros where
 * the first conv would have produced its bias). Groups of either conv are expanded, so the
 * result is dense (group 1) unless both have the same grouping aligned channel for channel.
 */
public final class ConvComposition {
    private ConvComposition() {}

    /** The one convolution computing {@code a} then {@code b}, or why there is none. */
    public static Outcome<ConvLayer> compose(ConvLayer a, ConvLayer b) {
        String why = whyNot(a, b);
        return why == null ? Outcome.of(composed(a, b)) : Outcome.not(why);
    }

    private static String whyNot(ConvLayer first, ConvLayer second) {
        if (second.in() != first.out()) {
            return "channel counts do not line up (" + first.out() + " out, " + second.in() + " in)";
        }
        boolean aTrivialH = trivial(first, 0);
        boolean aTrivialW = trivial(first, 1);
        boolean bTrivialH = trivial(second, 0);
        boolean bTrivialW = trivial(second, 1);
        if (!(aTrivialH || bTrivialH) || !(aTrivialW || bTrivialW)) {
            return "both convolutions have a spatial extent on the same axis";
        }
        if (first.bias() != null && second.hasPadding() && !allZero(first.bias())) {
            return "the first conv has a bias and the second pads its input";
        }
        return null;
    }

    private static ConvLayer composed(ConvLayer a, ConvLayer b) {
        boolean hFromA = !trivial(a, 0);
        boolean wFromA = !trivial(a, 1);
        int kh = hFromA ? a.kh() : b.kh();
        int kw = wFromA ? a.kw() : b.kw();
        int mid = a.out();
        int out = b.out();
        int in = a.in();
        boolean keepGroups = a.group() == b.group() && a.group() > 1;
        int group = keepGroups ? a.group() : 1;
        int inPerGroup = in / group;
        double[] w = new double[out * inPerGroup * kh * kw];
        for (int o = 0; o < out; o++) {
            int bGroup = o / (out / b.group());
            int og = o / (out / group);
            for (int mLocal = 0; mLocal < b.inPerGroup(); mLocal++) {
                int m = bGroup * b.inPerGroup() + mLocal;
                int aGroup = m / (mid / a.group());
                for (int cLocal = 0; cLocal < a.inPerGroup(); cLocal++) {
                    int c = aGroup * a.inPerGroup() + cLocal;
                    int cOut = c - og * inPerGroup;
                    if (cOut < 0 || cOut >= inPerGroup) {
                        continue;
                    }
                    for (int y = 0; y < kh; y++) {
                        for (int x = 0; x < kw; x++) {
                            double bw = b.weight(o, mLocal, hFromA ? 0 : y, wFromA ? 0 : x);
                            double aw = a.weight(m, cLocal, hFromA ? y : 0, wFromA ? x : 0);
                            w[((o * inPerGroup + cOut) * kh + y) * kw + x] += bw * aw;
                        }
                    }
                }
            }
        }
        double[] bias = null;
        if (b.bias() != null || a.bias() != null) {
            bias = b.bias() == null ? new double[out] : b.bias().clone();
            if (a.bias() != null) {
                for (int o = 0; o < out; o++) {
                    int bGroup = o / (out / b.group());
                    for (int mLocal = 0; mLocal < b.inPerGroup(); mLocal++) {
                        int m = bGroup * b.inPerGroup() + mLocal;
                        double s = 0;
                        for (int y = 0; y < b.kh(); y++) {
                            for (int x = 0; x < b.kw(); x++) {
                                s += b.weight(o, mLocal, y, x);
                            }
                        }
                        bias[o] += s * a.bias()[m];
                    }
                }
            }
        }
        int[] strides = {hFromA ? a.strides()[0] : b.strides()[0], wFromA ? a.strides()[1] : b.strides()[1]};
        int[] dil = {hFromA ? a.dilations()[0] : b.dilations()[0], wFromA ? a.dilations()[1] : b.dilations()[1]};
        ConvLayer ph = hFromA ? a : b;
        ConvLayer pw = wFromA ? a : b;
        int[] pads = {ph.pads()[0], pw.pads()[1], ph.pads()[2], pw.pads()[3]};
        return new ConvLayer(out, inPerGroup, kh, kw, w, bias, group, strides, pads, dil, b.elementType());
    }

    /** Kernel 1, stride 1 and no padding on axis 0 (H) or 1 (W). */
    static boolean trivial(ConvLayer c, int axis) {
        int k = axis == 0 ? c.kh() : c.kw();
        return k == 1 && c.strides()[axis] == 1 && c.pads()[axis] == 0 && c.pads()[axis + 2] == 0;
    }

    private static boolean allZero(double[] v) {
        for (double d : v) {
            if (d != 0) {
                return false;
            }
        }
        return true;
    }
}
