package dev.yard.passes.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.yard.ir.ElementType;
import dev.yard.passes.conv.ConvComposition;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.BlockTermTucker;
import dev.yard.passes.linalg.CpAls;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.TensorTrain;
import dev.yard.passes.linalg.TruncatedSvd;
import dev.yard.passes.linalg.TuckerTwo;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The chains decompose emits compute exactly the kernel the numerical core says its factors
 * reconstruct: composing the chain's convs back into one conv must give that kernel. This
 * checks the plumbing (factor layouts, groups, which factor carries which axis), not the fits.
 */
class ConvChainTest {
    static final SplittableRandom RANDOM = new SplittableRandom(3);

    static ConvLayer conv(int out, int in, int kh, int kw) {
        double[] w = new double[out * in * kh * kw];
        for (int i = 0; i < w.length; i++) {
            w[i] = RANDOM.nextDouble(-1, 1);
        }
        return new ConvLayer(
                out, in, kh, kw, w, null, 1, new int[] {1, 1}, new int[4], new int[] {1, 1}, ElementType.DOUBLE);
    }

    static void assertChainComputes(List<ConvLayer> chain, DenseTensor expected) {
        ConvLayer c = chain.get(0);
        for (int i = 1; i < chain.size(); i++) {
            c = ConvComposition.compose(c, chain.get(i)).value();
        }
        assertEquals(1, c.group());
        double[] e = expected.data();
        assertEquals(e.length, c.weights().length);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], c.weights()[i], 1e-9, "weight " + i);
        }
    }

    @Test
    void everyChainComputesItsFactorsKernel() {
        ConvLayer c = conv(6, 5, 3, 3);
        DenseTensor k = ConvChain.kernel(c);
        var svd = TruncatedSvd.fit(k, 3);
        assertChainComputes(ConvChain.svd(c, svd), svd.reconstruct());
        var tucker = TuckerTwo.fit(k, 4, 3);
        assertChainComputes(ConvChain.tucker2(c, tucker), tucker.reconstruct());
        var btd = BlockTermTucker.fit(k, 4, 4, 2);
        assertChainComputes(ConvChain.btd(c, btd), btd.reconstruct());
        var cp = CpAls.fit(k, 5);
        assertChainComputes(ConvChain.cp(c, cp), cp.reconstruct());
        var exactCp = CpAls.fit(k, CpAls.exactRank(k) + 2);
        assertChainComputes(ConvChain.cp(c, exactCp), k);
        ConvLayer wide = conv(3, 7, 3, 2);
        DenseTensor wk = ConvChain.kernel(wide);
        assertChainComputes(ConvChain.cp(wide, CpAls.fit(wk, CpAls.exactRank(wk))), wk);
        var tt = TensorTrain.fit(k, 3, 4, 3);
        assertChainComputes(ConvChain.tt(c, tt), tt.reconstruct());
    }
}
