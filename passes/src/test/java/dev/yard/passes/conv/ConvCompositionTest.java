package dev.yard.passes.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.ElementType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConvCompositionTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(11);

    static ConvLayer conv(
            int out, int in, int kh, int kw, int group, boolean bias, int[] strides, int[] pads, int[] dil) {
        double[] w = new double[out * (in / group) * kh * kw];
        for (int i = 0; i < w.length; i++) {
            w[i] = RANDOM.nextDouble(-1, 1);
        }
        double[] b = null;
        if (bias) {
            b = new double[out];
            for (int i = 0; i < out; i++) {
                b[i] = RANDOM.nextDouble(-1, 1);
            }
        }
        return new ConvLayer(out, in / group, kh, kw, w, b, group, strides, pads, dil, ElementType.FLOAT);
    }

    static ConvLayer pointwise(int out, int in, int group, boolean bias) {
        return conv(out, in, 1, 1, group, bias, new int[] {1, 1}, new int[4], new int[] {1, 1});
    }

    /** Runs a then b, and the composition, on a random input; they must agree to rounding. */
    static void assertComposes(ConvLayer a, ConvLayer b, int h, int w) {
        assertNull(ConvComposition.compose(a, b).whyNot());
        ConvLayer c = ConvComposition.compose(a, b).value();
        double[] x = new double[a.in() * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = RANDOM.nextDouble(-1, 1);
        }
        int[] hw = new int[2];
        double[] mid = ReferenceConv.apply(a, x, h, w, hw);
        int[] hw2 = new int[2];
        double[] y = ReferenceConv.apply(b, mid, hw[0], hw[1], hw2);
        int[] hw3 = new int[2];
        double[] z = ReferenceConv.apply(c, x, h, w, hw3);
        assertEquals(hw2[0], hw3[0]);
        assertEquals(hw2[1], hw3[1]);
        assertEquals(y.length, z.length);
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i], z[i], 1e-9 * (1 + Math.abs(y[i])), "element " + i);
        }
    }

    @Test
    void pointwiseBeforeAPaddedStridedDilatedConv() {
        ConvLayer a = pointwise(6, 5, 1, false);
        ConvLayer b = conv(7, 6, 3, 3, 1, true, new int[] {2, 1}, new int[] {1, 0, 2, 1}, new int[] {2, 1});
        assertComposes(a, b, 11, 9);
    }

    @Test
    void groupedConvThenPointwiseWithBiases() {
        ConvLayer a = conv(8, 4, 3, 3, 2, true, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
        ConvLayer b = pointwise(5, 8, 1, true);
        assertComposes(a, b, 7, 6);
        assertEquals(1, ConvComposition.compose(a, b).value().group(), "mixing channels makes the result dense");
    }

    @Test
    void tuckerChainComposesToADenseConv() {
        ConvLayer first = pointwise(3, 8, 1, false);
        ConvLayer core = conv(4, 3, 3, 3, 1, false, new int[] {2, 2}, new int[] {0, 1, 1, 0}, new int[] {1, 1});
        ConvLayer last = pointwise(9, 4, 1, true);
        ConvLayer c = ConvComposition.compose(
                        ConvComposition.compose(first, core).value(), last)
                .value();
        assertEquals(9, c.out());
        assertEquals(8, c.in());
        assertComposes(ConvComposition.compose(first, core).value(), last, 9, 8);
    }

    @Test
    void separableDepthwisePairBecomesASquareDepthwiseConv() {
        ConvLayer vertical = conv(6, 6, 3, 1, 6, false, new int[] {2, 1}, new int[] {1, 0, 1, 0}, new int[] {1, 1});
        ConvLayer horizontal = conv(6, 6, 1, 3, 6, true, new int[] {1, 2}, new int[] {0, 2, 0, 2}, new int[] {1, 2});
        assertComposes(vertical, horizontal, 8, 9);
        ConvLayer c = ConvComposition.compose(vertical, horizontal).value();
        assertEquals(6, c.group(), "aligned groups stay grouped");
        assertEquals(3, c.kh());
        assertEquals(3, c.kw());
    }

    @Test
    void refusesWhatIsNotExact() {
        ConvLayer k3 = conv(4, 4, 3, 3, 1, false, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
        assertTrue(ConvComposition.compose(k3, k3).whyNot().contains("same axis"));
        ConvLayer biased = pointwise(4, 4, 1, true);
        assertTrue(ConvComposition.compose(biased, k3).whyNot().contains("bias"));
        ConvLayer unpadded = conv(4, 4, 3, 3, 1, false, new int[] {1, 1}, new int[4], new int[] {1, 1});
        assertNull(ConvComposition.compose(biased, unpadded).whyNot());
        assertComposes(biased, unpadded, 6, 6);
        assertNotNull(ConvComposition.compose(pointwise(4, 3, 1, false), pointwise(4, 5, 1, false))
                .whyNot());
    }
}
