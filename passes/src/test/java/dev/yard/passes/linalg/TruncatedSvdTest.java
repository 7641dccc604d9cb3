package dev.yard.passes.linalg;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TruncatedSvdTest {
    private static final TruncatedSvd.Options EXACT = TruncatedSvd.Options.DEFAULT.with(TruncatedSvd.Algorithm.EXACT);
    private static final TruncatedSvd.Options RANDOMIZED =
            TruncatedSvd.Options.DEFAULT.with(TruncatedSvd.Algorithm.RANDOMIZED);

    @Test
    void fullRankReconstructsWideTallAndKernelShapes() {
        for (DenseTensor w : new DenseTensor[] {
            Fixtures.gaussian(1, 20, 35),
            Fixtures.gaussian(2, 40, 12),
            Fixtures.gaussian(3, 16, 8, 1, 1),
            Fixtures.gaussian(4, 6, 3, 3, 3)
        }) {
            int full = Math.min(w.dim(0), w.size() / w.dim(0));
            LowRankFactors f = TruncatedSvd.fit(w, full, EXACT);
            assertEquals(w.rank(), f.first().rank());
            assertTrue(w.relativeErrorTo(f.reconstruct()) < 1e-12, w + ": " + w.relativeErrorTo(f.reconstruct()));
            assertTrue(f.relativeError() < 1e-6);
        }
    }

    @Test
    void fullRankOfRankDeficientMatrixStillReconstructs() {
        // rank 3 inside 10 x 14: the tiny eigenvalues of the Gram matrix must not be divided by.
        DenseTensor a = Fixtures.gaussian(5, 10, 3), b = Fixtures.gaussian(6, 3, 14);
        DenseTensor w =
                DenseTensor.of(Dense.mult(Dense.wrap(10, 3, a.data()), Dense.wrap(3, 14, b.data())).data, 10, 14);
        assertTrue(w.relativeErrorTo(TruncatedSvd.fit(w, 10, EXACT).reconstruct()) < 1e-12);
        assertTrue(TruncatedSvd.fit(w, 3, EXACT).relativeError() < 1e-7);
    }

    @Test
    void exactErrorIsTheEckartYoungBound() {
        for (DenseTensor w : new DenseTensor[] {
            Fixtures.gaussian(7, 30, 50), Fixtures.gaussian(8, 50, 30), Fixtures.decayingKernel(9, 24, 16, 3, 3)
        }) {
            double[] sv = Fixtures.referenceSingularValues(w);
            double total = Fixtures.tailEnergy(sv, 0);
            for (int r : new int[] {1, 5, 13}) {
                LowRankFactors f = TruncatedSvd.fit(w, r, EXACT);
                double bound = Fixtures.tailEnergy(sv, r);
                double reported = f.relativeError() * f.relativeError() * total;
                double actual = Math.pow(w.relativeErrorTo(f.reconstruct()), 2) * total;
                assertEquals(bound, reported, 1e-6 * bound, "reported, rank " + r);
                assertEquals(bound, actual, 1e-6 * bound, "actual, rank " + r);
                for (int i = 0; i < r; i++) {
                    assertEquals(sv[i], f.singularValues()[i], 1e-9 * sv[0]);
                }
            }
        }
    }

    @Test
    void randomizedIsNearOptimalOnADecayingSpectrumAndDeterministic() {
        DenseTensor w = Fixtures.decayingKernel(10, 96, 64, 3, 3);
        double optimal = TruncatedSvd.fit(w, 12, EXACT).relativeError();
        LowRankFactors a = TruncatedSvd.fit(w, 12, RANDOMIZED);
        LowRankFactors b = TruncatedSvd.fit(w, 12, RANDOMIZED);
        assertEquals(TruncatedSvd.Algorithm.RANDOMIZED, a.algorithm());
        assertTrue(a.relativeError() >= optimal * (1 - 1e-9), "cannot beat Eckart-Young");
        assertTrue(a.relativeError() <= optimal * 1.01, a.relativeError() + " vs optimal " + optimal);
        assertEquals(w.relativeErrorTo(a.reconstruct()), a.relativeError(), 1e-9);
        assertArrayEquals(a.first().data(), b.first().data(), "same seed, same bits");
        assertArrayEquals(a.last().data(), b.last().data());
        TruncatedSvd.Options other = new TruncatedSvd.Options(TruncatedSvd.Algorithm.RANDOMIZED, 10, 2, 99);
        assertFalse(java.util.Arrays.equals(
                a.first().data(), TruncatedSvd.fit(w, 12, other).first().data()));
    }

    @Test
    void autoChoosesRandomizedOnlyWhenTheRankIsSmall() {
        TruncatedSvd.Options o = TruncatedSvd.Options.DEFAULT;
        for (boolean nativeKernels : new boolean[] {false, true}) {
            assertEquals(TruncatedSvd.Algorithm.EXACT, TruncatedSvd.cheaper(512, 4608, 384, o, nativeKernels));
            assertEquals(TruncatedSvd.Algorithm.EXACT, TruncatedSvd.cheaper(40, 40, 5, o, nativeKernels));
            assertEquals(TruncatedSvd.Algorithm.RANDOMIZED, TruncatedSvd.cheaper(4096, 25088, 16, o, nativeKernels));
        }
        assertEquals(TruncatedSvd.Algorithm.RANDOMIZED, TruncatedSvd.cheaper(4096, 25088, 256, o, false));
        // Native LAPACK does the exact split of this Gemm in seconds: exactness wins.
        assertEquals(TruncatedSvd.Algorithm.EXACT, TruncatedSvd.cheaper(4096, 25088, 256, o, true));
    }

    @Test
    void whitenedFitHasSmallerOutputErrorOnCorrelatedInputs() {
        DenseTensor w = Fixtures.gaussian(11, 24, 40);
        InputCovariance c = Fixtures.correlatedInputs(12, 40, 400);
        LowRankFactors plain = TruncatedSvd.fit(w, 6, EXACT);
        LowRankFactors white = TruncatedSvd.fitWhitened(w, 6, c);
        double plainOut = c.relativeOutputError(w, plain.reconstruct());
        double whiteOut = c.relativeOutputError(w, white.reconstruct());
        assertEquals(whiteOut, white.relativeOutputError(), 1e-9);
        assertTrue(whiteOut < 0.8 * plainOut, whiteOut + " vs plain " + plainOut);
        assertTrue(white.relativeError() > plain.relativeError(), "it pays in weight error");
        // Rank-deficient covariance (fewer samples than inputs) needs no special handling.
        InputCovariance few = Fixtures.correlatedInputs(13, 40, 10);
        assertTrue(Double.isFinite(TruncatedSvd.fitWhitened(w, 6, few).relativeOutputError()));
    }

    @Test
    void halfPrecisionWeightsRoundTrip() {
        DenseTensor w32 = Fixtures.gaussian(14, 16, 24);
        DenseTensor w16 = DenseTensor.fromHalfBits(w32.toHalfBits(), 16, 24);
        LowRankFactors f = TruncatedSvd.fit(w16, 16, EXACT).roundedTo(WeightType.F16);
        assertTrue(
                w16.relativeErrorTo(f.reconstruct()) < 3e-3,
                "f16 storage of factors: " + w16.relativeErrorTo(f.reconstruct()));
        assertArrayEquals(
                f.first().toHalfBits(),
                DenseTensor.fromHalfBits(f.first().toHalfBits(), f.first().shape())
                        .toHalfBits());
    }
}
