package dev.yard.passes.linalg;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class EvbmfTest {

    @Test
    void tauBarMatchesThePaperConstantForSquareMatrices() {
        // Nakajima et al. give τ̄ ≈ 2.5129 √α; exact at α = 1.
        assertEquals(2.5129, Evbmf.tauBar(1.0), 1e-4);
    }

    @Test
    void recoversThePlantedRankOfNoisyLowRankMatrices() {
        int[][] shapes = {{60, 80}, {80, 60}, {128, 576}};
        int[] ranks = {5, 9, 20};
        for (int c = 0; c < shapes.length; c++) {
            int l = shapes[c][0], m = shapes[c][1], r = ranks[c];
            DenseTensor u = Fixtures.gaussian(200 + c, l, r), v = Fixtures.gaussian(300 + c, r, m);
            double[] y = Dense.mult(Dense.wrap(l, r, u.data()), Dense.wrap(r, m, v.data())).data;
            DenseTensor noise = Fixtures.gaussian(400 + c, l, m);
            for (int i = 0; i < y.length; i++) {
                y[i] += 0.5 * noise.data()[i];
            }
            Evbmf.Estimate e = Evbmf.estimate(DenseTensor.of(y, l, m));
            assertEquals(r, e.rank(), "shape " + l + "x" + m);
            assertEquals(0.25, e.noiseVariance(), 0.05, "noise variance");
        }
    }

    @Test
    void pureNoiseHasNoSignal() {
        Evbmf.Estimate e = Evbmf.estimate(Fixtures.gaussian(500, 50, 70));
        assertTrue(e.rank() <= 1, "rank " + e.rank());
    }

    @Test
    void tucker2RanksFromBothUnfoldings() {
        // A kernel with exact multilinear ranks (4, 3) plus noise.
        DenseTensor core = Fixtures.gaussian(510, 4, 3, 3, 3);
        DenseTensor u = Fixtures.gaussian(511, 32, 4), v = Fixtures.gaussian(512, 24, 3);
        double[] k = TuckerTwo.expand(
                u.data(), core.data(), Dense.transpose(Dense.wrap(24, 3, v.data())).data, 32, 24, 4, 3, 9);
        DenseTensor noise = Fixtures.gaussian(513, 32, 24, 3, 3);
        for (int i = 0; i < k.length; i++) {
            k[i] += 0.05 * noise.data()[i];
        }
        assertArrayEquals(new int[] {4, 3}, RankSelection.evbmfTucker2Ranks(DenseTensor.of(k, 32, 24, 3, 3), 1));
    }
}
