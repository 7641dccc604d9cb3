package dev.yard.passes.linalg;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class CpAlsTest {

    /** Σ_r a0[o,r] a1[i,r] a2[h,r] a3[w,r] from seeded Gaussian factors. */
    static DenseTensor planted(long seed, int cout, int cin, int kh, int kw, int rank) {
        DenseTensor a0 = Fixtures.gaussian(seed, cout, rank), a1 = Fixtures.gaussian(seed + 1, rank, cin);
        DenseTensor a2 = Fixtures.gaussian(seed + 2, rank, kh), a3 = Fixtures.gaussian(seed + 3, rank, kw);
        return DenseTensor.of(
                CpAls.expand(a0.data(), a1.data(), a2.data(), a3.data(), cout, cin, kh, kw, rank, true),
                cout,
                cin,
                kh,
                kw);
    }

    @Test
    void recoversPlantedExactRankTensors() {
        for (long seed : new long[] {101, 202, 303}) {
            DenseTensor w = planted(seed, 10, 8, 3, 3, 5);
            CpFactors f = CpAls.fit(w, 5);
            assertFalse(f.diverged(), "congruence " + f.minCongruence());
            assertTrue(
                    f.relativeError() < 1e-5, "seed " + seed + ": " + f.relativeError() + " after " + f.iterations());
            assertEquals(w.relativeErrorTo(f.reconstruct()), f.relativeError(), 1e-12);
        }
    }

    @Test
    void fullRankReconstructsToFloatPrecision() {
        // Rank Cin·kh·kw always suffices (one component per input slice); here a generic
        // [5, 2, 2, 2] kernel at rank 8.
        DenseTensor w = Fixtures.gaussian(111, 5, 2, 2, 2);
        CpFactors f = CpAls.fit(w, 8, CpAls.Options.DEFAULT.withIterations(3000, 1e-12));
        assertTrue(f.relativeError() < 1e-6, "full rank error " + f.relativeError());
    }

    @Test
    void chainShapesCarryTheScale() {
        DenseTensor w = planted(121, 6, 4, 3, 3, 3);
        CpFactors f = CpAls.fit(w, 3);
        assertArrayEquals(new int[] {3, 4, 1, 1}, f.first().shape());
        assertArrayEquals(new int[] {3, 1, 3, 1}, f.vertical().shape());
        assertArrayEquals(new int[] {3, 1, 1, 3}, f.horizontal().shape());
        assertArrayEquals(new int[] {6, 3, 1, 1}, f.last().shape());
        // Balanced: each component has the same norm in all four factors.
        double n1 = 0, n4 = 0;
        for (int i = 0; i < 4; i++) {
            n1 += Math.pow(f.first().data()[i], 2);
        }
        for (int o = 0; o < 6; o++) {
            n4 += Math.pow(f.last().data()[o * 3], 2);
        }
        assertEquals(Math.sqrt(n1), Math.sqrt(n4), 1e-9 * Math.sqrt(n1));
    }

    @Test
    void degenerateProblemIsDetectedAndTheErrorIsHonest() {
        // Border rank 2, rank 4: a∘a∘a∘b + a∘a∘b∘a + a∘b∘a∘a + b∘a∘a∘a is the derivative of
        // (a + t b)^{∘4} at t = 0, approximable by two ever larger rank-1 terms of opposite sign.
        int n = 3;
        double[] a = {1, 0.2, -0.3}, b = {0.1, 1, 0.4};
        double[] w = new double[n * n * n * n];
        double[][] vecs = {a, b};
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    for (int p = 0; p < n; p++) {
                        for (int q = 0; q < n; q++) {
                            int[] idx = {i, j, p, q};
                            double v = 1;
                            for (int m = 0; m < 4; m++) {
                                v *= vecs[m == k ? 1 : 0][idx[m]];
                            }
                            w[((i * n + j) * n + p) * n + q] += v;
                        }
                    }
                }
            }
        }
        DenseTensor t = DenseTensor.of(w, n, n, n, n);
        CpAls.Options noDamping = new CpAls.Options(3000, 0, CpAls.Init.RANDOM, 7, 0, true, 50);
        CpFactors f = CpAls.fit(t, 2, noDamping);
        assertTrue(
                f.diverged(),
                "ratio " + f.componentRatio() + " congruence " + f.minCongruence() + " error " + f.relativeError());
        assertEquals(t.relativeErrorTo(f.reconstruct()), f.relativeError(), 1e-12);
    }

    @Test
    void deterministicForASeedAndSensitiveToIt() {
        DenseTensor w = Fixtures.gaussian(131, 12, 10, 3, 3);
        CpAls.Options o = CpAls.Options.DEFAULT.withIterations(30, 0).withSeed(5, CpAls.Init.RANDOM);
        CpFactors a = CpAls.fit(w, 6, o), b = CpAls.fit(w, 6, o);
        assertArrayEquals(a.first().data(), b.first().data());
        assertArrayEquals(a.last().data(), b.last().data());
        CpFactors c = CpAls.fit(w, 6, o.withSeed(6, CpAls.Init.RANDOM));
        assertFalse(java.util.Arrays.equals(a.first().data(), c.first().data()));
    }
}
