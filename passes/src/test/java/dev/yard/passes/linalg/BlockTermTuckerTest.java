package dev.yard.passes.linalg;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class BlockTermTuckerTest {

    @Test
    void oneGroupAtFullRanksReconstructsAndEqualsTuckerTwo() {
        DenseTensor w = Fixtures.gaussian(51, 8, 6, 3, 3);
        assertTrue(w.relativeErrorTo(BlockTermTucker.fit(w, 8, 6, 1).reconstruct()) < 1e-12);
        DenseTensor d = Fixtures.decayingKernel(52, 16, 12, 3, 3);
        assertEquals(
                TuckerTwo.fit(d, 6, 4, BlockTermTucker.Options.DEFAULT.initialization())
                        .relativeError(),
                BlockTermTucker.fit(d, 6, 4, 1).relativeError(),
                1e-12);
    }

    @Test
    void alternatingLeastSquaresImprovesOnTheBlockDiagonalStartAndReportsTheTruth() {
        DenseTensor w = Fixtures.decayingKernel(53, 32, 24, 3, 3);
        BlockTermFactors f = BlockTermTucker.fit(w, 16, 12, 4);
        assertArrayEquals(new int[] {16, 3, 3, 3}, f.core().shape());
        assertArrayEquals(new int[] {12, 24, 1, 1}, f.first().shape());
        assertArrayEquals(new int[] {32, 16, 1, 1}, f.last().shape());
        assertEquals(w.relativeErrorTo(f.reconstruct()), f.relativeError(), 1e-9);
        assertTrue(f.iterations() > 0);
        assertTrue(f.relativeError() < f.initialRelativeError(), f.relativeError() + " vs " + f.initialRelativeError());
        // More groups means fewer parameters: the error must not be lower than Tucker-2 at the same ranks.
        assertTrue(f.relativeError() >= TuckerTwo.fit(w, 16, 12).relativeError() - 1e-12);
    }

    @Test
    void recoversAPlantedTwoBlockKernel() {
        // Two Tucker-2 terms on disjoint channel subspaces: exactly representable with G = 2.
        DenseTensor a = Fixtures.gaussian(54, 3, 2, 3, 3);
        DenseTensor b = Fixtures.gaussian(55, 3, 2, 3, 3);
        int cout = 10, cin = 8, s = 9;
        double[] w = new double[cout * cin * s];
        DenseTensor[] terms = {a, b};
        for (int g = 0; g < 2; g++) {
            DenseTensor u = Fixtures.gaussian(60 + g, cout, 3), v = Fixtures.gaussian(70 + g, cin, 2);
            double[] t = TuckerTwo.expand(
                    u.data(), terms[g].data(), Dense.transpose(Dense.wrap(cin, 2, v.data())).data, cout, cin, 3, 2, s);
            for (int i = 0; i < w.length; i++) {
                w[i] += t[i] * (g == 0 ? 1 : 0.7);
            }
        }
        DenseTensor k = DenseTensor.of(w, cout, cin, 3, 3);
        BlockTermFactors f =
                BlockTermTucker.fit(k, 6, 4, 2, new BlockTermTucker.Options(500, 1e-14, TuckerTwo.Options.DEFAULT));
        assertTrue(f.relativeError() < 1e-5, "planted BTD error " + f.relativeError());
    }
}
