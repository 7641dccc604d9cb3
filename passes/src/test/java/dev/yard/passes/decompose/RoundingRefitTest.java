package dev.yard.passes.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.ElementType;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.Method;
import dev.yard.passes.linalg.TensorTrain;
import dev.yard.passes.linalg.TruncatedSvd;
import dev.yard.passes.linalg.TuckerTwo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Chains stored in f16: solving one factor against the others as rounded must leave less
 * error than rounding every factor as fitted, and at full rank little more than the rounding
 * of a single factor. The kernel is exactly representable in f16, as a real f16 model's is.
 */
class RoundingRefitTest {
    static ConvLayer halfConv(int out, int in, int kh, int kw, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] w = new double[out * in * kh * kw];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextGaussian() * 0.05;
        }
        return new ConvLayer(
                out,
                in,
                kh,
                kw,
                RoundingRefit.round(ElementType.FLOAT16, w),
                new double[out],
                1,
                new int[] {2, 1},
                new int[] {1, 0, 1, 2},
                new int[] {1, 2},
                ElementType.FLOAT16);
    }

    static List<ConvLayer> roundedAsFitted(List<ConvLayer> chain) {
        List<ConvLayer> out = new ArrayList<>();
        for (ConvLayer c : chain) {
            out.add(new ConvLayer(
                    c.out(),
                    c.inPerGroup(),
                    c.kh(),
                    c.kw(),
                    RoundingRefit.round(ElementType.FLOAT16, c.weights()),
                    c.bias(),
                    c.group(),
                    c.strides(),
                    c.pads(),
                    c.dilations(),
                    c.elementType()));
        }
        return out;
    }

    /** Returns {refitted error, rounded-as-fitted error, exact error}. */
    static double[] errors(Method m, ConvLayer c, List<ConvLayer> chain) {
        RoundingRefit.Result r = RoundingRefit.refit(m, c, chain);
        assertEquals(chain.size(), r.convs().size());
        for (int i = 0; i < chain.size(); i++) {
            double[] w = r.convs().get(i).weights();
            assertTrue(
                    java.util.Arrays.equals(w, RoundingRefit.round(ElementType.FLOAT16, w)),
                    "factor " + i + " is stored rounded");
            assertTrue(
                    java.util.Arrays.equals(
                            chain.get(i).bias(), r.convs().get(i).bias()),
                    "bias kept on factor " + i);
        }
        double naive = RoundingRefit.relativeError(c, roundedAsFitted(chain));
        double exact = RoundingRefit.relativeError(c, chain);
        System.out.printf(
                Locale.ROOT,
                "%s: exact %.3g, rounded as fitted %.3g, refitted %.3g%n",
                m,
                exact,
                naive,
                r.relativeError());
        assertEquals(RoundingRefit.relativeError(c, r.convs()), r.relativeError(), 1e-15);
        return new double[] {r.relativeError(), naive, exact};
    }

    @Test
    void fullRankChainsLoseLittleMoreThanOneRounding() {
        ConvLayer c = halfConv(24, 16, 3, 3, 11);
        DenseTensor k = ConvChain.kernel(c);
        // One f16 rounding of a Gaussian kernel costs about 2^-11 / sqrt(3) relative, ~2.8e-4.
        double one = 3.5e-4;
        double[] svd = errors(Method.SVD, c, ConvChain.svd(c, TruncatedSvd.fit(k, 24)));
        double[] tucker = errors(Method.TUCKER2, c, ConvChain.tucker2(c, TuckerTwo.fit(k, 24, 16)));
        double[] tt = errors(Method.TT, c, ConvChain.tt(c, TensorTrain.fit(k, 16, 48, 24)));
        for (double[] e : List.of(svd, tucker, tt)) {
            assertTrue(e[0] < one, "refitted error " + e[0]);
            assertTrue(e[0] < 0.75 * e[1], "refit " + e[0] + " against rounding as fitted " + e[1]);
        }
    }

    @Test
    void refitNeverLosesToRoundingAsFittedAtReducedRank() {
        ConvLayer c = halfConv(24, 16, 3, 3, 12);
        DenseTensor k = ConvChain.kernel(c);
        List<double[]> all = List.of(
                errors(Method.SVD, c, ConvChain.svd(c, TruncatedSvd.fit(k, 12))),
                errors(Method.TUCKER2, c, ConvChain.tucker2(c, TuckerTwo.fit(k, 12, 8))),
                errors(Method.TT, c, ConvChain.tt(c, TensorTrain.fit(k, 8, 24, 12))));
        for (double[] e : all) {
            assertTrue(e[0] <= e[1] * (1 + 1e-9), "refit " + e[0] + " against rounding as fitted " + e[1]);
        }
    }

    @Test
    void onlyChainsWithAFreeLargestFactorAreRefitted() {
        assertTrue(RoundingRefit.applies(Method.TUCKER2, ElementType.FLOAT16));
        assertTrue(RoundingRefit.applies(Method.TT, ElementType.BFLOAT16));
        org.junit.jupiter.api.Assertions.assertFalse(RoundingRefit.applies(Method.CP, ElementType.FLOAT16));
        org.junit.jupiter.api.Assertions.assertFalse(RoundingRefit.applies(Method.BTD, ElementType.FLOAT16));
        org.junit.jupiter.api.Assertions.assertFalse(RoundingRefit.applies(Method.SVD, ElementType.FLOAT));
    }
}
