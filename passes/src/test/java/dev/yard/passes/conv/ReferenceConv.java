package dev.yard.passes.conv;

/** A direct, obviously correct 2-D convolution (NCHW, batch 1) in double precision, for tests. */
final class ReferenceConv {
    private ReferenceConv() {}

    /** Output [out][oh][ow] flattened; {@code x} is [in][h][w]. */
    static double[] apply(ConvLayer c, double[] x, int h, int w, int[] outHw) {
        int ekh = (c.kh() - 1) * c.dilations()[0] + 1;
        int ekw = (c.kw() - 1) * c.dilations()[1] + 1;
        int oh = (h + c.pads()[0] + c.pads()[2] - ekh) / c.strides()[0] + 1;
        int ow = (w + c.pads()[1] + c.pads()[3] - ekw) / c.strides()[1] + 1;
        outHw[0] = oh;
        outHw[1] = ow;
        int outPerGroup = c.out() / c.group();
        double[] y = new double[c.out() * oh * ow];
        for (int o = 0; o < c.out(); o++) {
            int g = o / outPerGroup;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double s = c.bias() == null ? 0 : c.bias()[o];
                    for (int ci = 0; ci < c.inPerGroup(); ci++) {
                        int ch = g * c.inPerGroup() + ci;
                        for (int ky = 0; ky < c.kh(); ky++) {
                            int yy = i * c.strides()[0] - c.pads()[0] + ky * c.dilations()[0];
                            if (yy < 0 || yy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < c.kw(); kx++) {
                                int xx = j * c.strides()[1] - c.pads()[1] + kx * c.dilations()[1];
                                if (xx < 0 || xx >= w) {
                                    continue;
                                }
                                s += c.weight(o, ci, ky, kx) * x[(ch * h + yy) * w + xx];
                            }
                        }
                    }
                    y[(o * oh + i) * ow + j] = s;
                }
            }
        }
        return y;
    }
}
