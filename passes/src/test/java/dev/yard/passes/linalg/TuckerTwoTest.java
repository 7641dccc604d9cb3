package dev.yard.passes.linalg;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TuckerTwoTest {

    @Test
    void fullRanksReconstructTheKernel() {
        DenseTensor w = Fixtures.gaussian(21, 12, 8, 3, 3);
        TuckerTwoFactors f = TuckerTwo.fit(w, 12, 8);
        assertTrue(w.relativeErrorTo(f.reconstruct()) < 1e-12);
        assertArrayEquals(new int[] {8, 8, 1, 1}, f.first().shape());
        assertArrayEquals(new int[] {12, 8, 3, 3}, f.core().shape());
        assertArrayEquals(new int[] {12, 12, 1, 1}, f.last().shape());
    }

    @Test
    void withFullInputRankTheErrorIsTheSvdOfTheOutputUnfolding() {
        // Rin = Cin leaves only the Cout projection, whose optimum is Eckart-Young on W₍₀₎.
        DenseTensor w = Fixtures.decayingKernel(22, 20, 10, 3, 3);
        double[] sv = Fixtures.referenceSingularValues(w);
        double total = Fixtures.tailEnergy(sv, 0);
        for (int rout : new int[] {3, 7, 15}) {
            TuckerTwoFactors f = TuckerTwo.fit(w, rout, 10);
            assertEquals(
                    Fixtures.tailEnergy(sv, rout),
                    f.relativeError() * f.relativeError() * total,
                    1e-6 * Fixtures.tailEnergy(sv, rout));
        }
        // And symmetrically, Rout = Cout against the Cin unfolding.
        double[] sv1 = Fixtures.referenceSingularValues(Fixtures.modeOneUnfolding(w));
        TuckerTwoFactors g = TuckerTwo.fit(w, 20, 4);
        assertEquals(
                Fixtures.tailEnergy(sv1, 4),
                g.relativeError() * g.relativeError() * total,
                1e-6 * Fixtures.tailEnergy(sv1, 4));
    }

    @Test
    void errorLiesBetweenTheUnfoldingBoundsAndHooiNeverLosesToHosvd() {
        for (long seed = 23; seed < 27; seed++) {
            DenseTensor w =
                    seed % 2 == 0 ? Fixtures.gaussian(seed, 16, 12, 3, 3) : Fixtures.decayingKernel(seed, 16, 12, 3, 3);
            double[] sv0 = Fixtures.referenceSingularValues(w);
            double[] sv1 = Fixtures.referenceSingularValues(Fixtures.modeOneUnfolding(w));
            double total = Fixtures.tailEnergy(sv0, 0);
            int rout = 6, rin = 5;
            double d0 = Fixtures.tailEnergy(sv0, rout), d1 = Fixtures.tailEnergy(sv1, rin);
            TuckerTwoFactors hosvd = TuckerTwo.fit(w, rout, rin, new TuckerTwo.Options(0, 0));
            TuckerTwoFactors hooi = TuckerTwo.fit(w, rout, rin);
            for (TuckerTwoFactors f : new TuckerTwoFactors[] {hosvd, hooi}) {
                double e = f.relativeError() * f.relativeError() * total;
                assertTrue(e >= Math.max(d0, d1) * (1 - 1e-9), "below the single-mode optimum");
                assertTrue(e <= (d0 + d1) * (1 + 1e-9), "above the HOSVD bound");
                assertEquals(w.relativeErrorTo(f.reconstruct()), f.relativeError(), 1e-9);
            }
            assertEquals(hosvd.relativeError(), hooi.initialRelativeError(), 1e-12);
            assertTrue(hooi.relativeError() <= hosvd.relativeError() + 1e-12);
            if (seed % 2 == 0) {
                assertTrue(hooi.relativeError() < hosvd.relativeError(), "HOOI improves a generic kernel");
            }
        }
    }

    @Test
    void deterministic() {
        DenseTensor w = Fixtures.gaussian(28, 32, 24, 3, 3);
        TuckerTwoFactors a = TuckerTwo.fit(w, 8, 6), b = TuckerTwo.fit(w, 8, 6);
        assertArrayEquals(a.core().data(), b.core().data());
        assertArrayEquals(a.first().data(), b.first().data());
    }

    @Test
    void whitenedFitHasSmallerOutputErrorOnCorrelatedInputs() {
        DenseTensor w = Fixtures.gaussian(29, 12, 6, 3, 3);
        InputCovariance c = Fixtures.correlatedInputs(30, 6 * 9, 600);
        TuckerTwoFactors plain = TuckerTwo.fit(w, 4, 3, WhitenedTuckerTwo.Options.DEFAULT.plain());
        TuckerTwoFactors white = WhitenedTuckerTwo.fit(w, 4, 3, c);
        double plainOut = c.relativeOutputError(w, plain.reconstruct());
        assertEquals(plainOut, white.initialRelativeError(), 1e-9);
        assertEquals(c.relativeOutputError(w, white.reconstruct()), white.relativeOutputError(), 1e-9);
        assertTrue(white.relativeOutputError() < 0.9 * plainOut, white.relativeOutputError() + " vs plain " + plainOut);
        // Rank-deficient covariance: 20 patches for 54 inputs.
        TuckerTwoFactors few = WhitenedTuckerTwo.fit(w, 4, 3, Fixtures.correlatedInputs(31, 54, 20));
        assertTrue(Double.isFinite(few.relativeOutputError()));
    }
}
