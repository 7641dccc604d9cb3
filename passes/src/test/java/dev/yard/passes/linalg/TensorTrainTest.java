package dev.yard.passes.linalg;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TensorTrainTest {

    @Test
    void fullRanksReconstructAndShapesMatchTheChain() {
        DenseTensor w = Fixtures.gaussian(41, 10, 6, 3, 2);
        TensorTrainFactors f = TensorTrain.fit(w, 1000, 1000, 1000);
        assertArrayEquals(new int[] {6, 18, 10}, f.ranks()); // capped by the unfoldings
        assertTrue(w.relativeErrorTo(f.reconstruct()) < 1e-12);
        assertArrayEquals(new int[] {6, 6, 1, 1}, f.first().shape());
        assertArrayEquals(new int[] {18, 6, 3, 1}, f.vertical().shape());
        assertArrayEquals(new int[] {10, 18, 1, 2}, f.horizontal().shape());
        assertArrayEquals(new int[] {10, 10, 1, 1}, f.last().shape());
    }

    @Test
    void reportedErrorIsExactAndTheFirstSplitIsEckartYoung() {
        DenseTensor w = Fixtures.decayingKernel(42, 16, 12, 3, 3);
        TensorTrainFactors f = TensorTrain.fit(w, 5, 9, 7);
        assertEquals(w.relativeErrorTo(f.reconstruct()), f.relativeError(), 1e-9);
        // With r2, r3 at their caps only the first split truncates: SVD of the Cin unfolding.
        TensorTrainFactors g = TensorTrain.fit(w, 5, 1000, 1000);
        double[] sv = Fixtures.referenceSingularValues(Fixtures.modeOneUnfolding(w));
        assertEquals(
                Fixtures.tailEnergy(sv, 5) / Fixtures.tailEnergy(sv, 0),
                g.relativeError() * g.relativeError(),
                1e-6 * Fixtures.tailEnergy(sv, 5) / Fixtures.tailEnergy(sv, 0));
    }

    @Test
    void errorBoundIsHonouredWithSmallerRanksForLooserBounds() {
        DenseTensor w = Fixtures.decayingKernel(43, 24, 16, 3, 3);
        TensorTrainFactors tight = TensorTrain.fitWithin(w, 0.05);
        TensorTrainFactors loose = TensorTrain.fitWithin(w, 0.3);
        assertTrue(tight.relativeError() <= 0.05 && loose.relativeError() <= 0.3);
        assertEquals(w.relativeErrorTo(loose.reconstruct()), loose.relativeError(), 1e-9);
        int[] rt = tight.ranks(), rl = loose.ranks();
        assertTrue(rl[0] <= rt[0] && rl[1] <= rt[1] && rl[2] <= rt[2] && rl[0] + rl[1] + rl[2] < rt[0] + rt[1] + rt[2]);
    }
}
