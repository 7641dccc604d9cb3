package dev.yard.passes.linalg;

import static org.junit.jupiter.api.Assertions.*;

import dev.yard.passes.linalg.RankSelection.Budget;
import dev.yard.passes.linalg.RankSelection.Layer;
import org.junit.jupiter.api.Test;

class RankSelectionTest {

    @Test
    void energyRankAndRounding() {
        double[] sv = {3, 2, 1, 0.5}; // energies 9, 4, 1, 0.25 of 14.25
        assertEquals(1, RankSelection.energyRank(sv, 0.6));
        assertEquals(2, RankSelection.energyRank(sv, 0.9));
        assertEquals(4, RankSelection.energyRank(sv, 0.999));
        assertEquals(16, RankSelection.roundToMultiple(20, 16, 512));
        assertEquals(32, RankSelection.roundToMultiple(25, 16, 512));
        assertEquals(16, RankSelection.roundToMultiple(3, 16, 512));
        assertEquals(10, RankSelection.roundToMultiple(25, 16, 10));
    }

    @Test
    void parameterCountsFollowTheDesignTable() {
        Layer l = Layer.of(256, 128, 3, 3);
        assertEquals(64L * (128 * 9 + 256), RankSelection.parameters(Method.SVD, l, 1, 64));
        assertEquals(128L * 32 + 32 * 64 * 9 + 64 * 256, RankSelection.parameters(Method.TUCKER2, l, 1, 64, 32));
        assertEquals(128L * 32 + 32 * 64 * 9 / 4 + 64 * 256, RankSelection.parameters(Method.BTD, l, 4, 64, 32));
        assertEquals(50L * (128 + 3 + 3 + 256), RankSelection.parameters(Method.CP, l, 1, 50));
        assertEquals(
                128L * 10 + 10 * 20 * 3 + 20 * 30 * 3 + 30 * 256,
                RankSelection.parameters(Method.TT, l, 1, 10, 20, 30));
    }

    @Test
    void budgetsGiveTheLargestAlignedRanksThatFit() {
        Layer l = new Layer(512, 512, 3, 3, 28 * 28, 28 * 28);
        for (Method m : Method.values()) {
            int groups = m == Method.BTD ? 4 : 1;
            int[] r = RankSelection.ranksForBudget(m, l, groups, 0.25, Budget.PARAMETERS, 16);
            assertTrue(r.length > 0, m.toString());
            long dense = 512L * 512 * 9;
            assertTrue(RankSelection.parameters(m, l, groups, r) <= 0.25 * dense, m.toString());
            for (int x : r) {
                assertEquals(0, x % 16, m + " rank " + x);
            }
            int[] bigger = r.clone();
            for (int i = 0; i < bigger.length; i++) {
                bigger[i] += 16 * groups;
            }
            assertTrue(RankSelection.parameters(m, l, groups, bigger) > 0.25 * dense, m + ": not the largest");
        }
        // A stride-2 layer: the first 1x1 runs on four times the pixels, so a MAC budget buys less.
        Layer strided = new Layer(512, 512, 3, 3, 56 * 56, 28 * 28);
        int[] byParams = RankSelection.ranksForBudget(Method.TUCKER2, strided, 1, 0.25, Budget.PARAMETERS, 8);
        int[] byMacs = RankSelection.ranksForBudget(Method.TUCKER2, strided, 1, 0.25, Budget.MACS, 8);
        assertTrue(byMacs[1] < byParams[1]);
    }
}
