package dev.yard.passes.linalg;

/**
 * Rank estimation by the analytic empirical variational Bayes solution of matrix
 * factorisation (EVBMF; Nakajima, Sugiyama, Babacan and Tomioka, JMLR 14, 2013), as Kim et
 * al. (2016) and MUSCO use it to pick Tucker-2 ranks from the channel unfoldings.
 *
 * <p>For a matrix L x M (L ≤ M) with singular values γ_h and unknown noise variance σ², the
 * EVB estimate keeps a component iff γ_h exceeds γ̲ = σ √(M (1 + τ̄)(1 + α/τ̄)), α = L/M, where
 * τ̄ is the zero of Φ(τ) + Φ(τ/α) with Φ(z) = ln(1 + z)/z - 1/2. σ² itself is the minimiser of
 * the free energy over a bracket the paper derives; we minimise it by a log-spaced scan
 * followed by golden-section refinement, since it need not be unimodal.
 */
public final class Evbmf {
    private Evbmf() {}

    /**
     * @param rank number of components kept
     * @param noiseVariance the estimated σ²
     * @param threshold singular values above it are signal
     */
    public record Estimate(int rank, double noiseVariance, double threshold) {}

    /** EVBMF of a matrix, or of a kernel seen as [Cout, Cin·kh·kw]. */
    public static Estimate estimate(DenseTensor matrix) {
        DenseTensor m = matrix.asMatrix();
        return fromSingularValues(TruncatedSvd.singularValues(m), m.dim(0), m.dim(1));
    }

    /** EVBMF from all min(rows, cols) singular values of a rows x cols matrix. */
    public static Estimate fromSingularValues(double[] singularValues, int rows, int cols) {
        int l = Math.min(rows, cols);
        int m = Math.max(rows, cols);
        double[] s = singularValues;
        if (s.length < l) {
            throw new IllegalArgumentException("need all " + l + " singular values");
        }
        double alpha = (double) l / m;
        double tau = tauBar(alpha);
        double xBar = (1 + tau) * (1 + alpha / tau);
        double energy = 0;
        for (int i = 0; i < l; i++) {
            energy += s[i] * s[i];
        }
        if (energy == 0) {
            return new Estimate(0, 0, 0);
        }
        // The bracket of Nakajima et al.: no component beyond eH can be signal, so the tail
        // bounds σ² from below; the whole energy spread over L·M entries bounds it from above.
        int eH = Math.max(0, Math.min((int) Math.ceil(l / (1 + alpha)) - 1, l) - 1);
        double upper = energy / ((double) l * m);
        double tailMean = 0;
        for (int i = eH + 1; i < l; i++) {
            tailMean += s[i] * s[i];
        }
        tailMean = eH + 1 < l ? tailMean / (l - eH - 1) : 0;
        double lower = eH + 1 < l ? Math.max(s[eH + 1] * s[eH + 1] / (m * xBar), tailMean / m) : upper * 1e-6;
        lower = Math.max(lower, upper * 1e-12);
        if (lower >= upper) {
            lower = upper * 0.999;
        }
        double sigma2 = minimise(v -> freeEnergy(v, s, l, m, alpha, xBar), lower, upper);
        double threshold = Math.sqrt(m * sigma2 * xBar);
        int rank = 0;
        while (rank < l && s[rank] > threshold) {
            rank++;
        }
        return new Estimate(rank, sigma2, threshold);
    }

    /** The σ²-dependent part of the EVB free energy (up to constants and a factor). */
    static double freeEnergy(double sigma2, double[] s, int l, int m, double alpha, double xBar) {
        double f = 0;
        for (int h = 0; h < l; h++) {
            double x = s[h] * s[h] / (m * sigma2);
            if (x > xBar) {
                double d = x - (1 + alpha);
                double t = 0.5 * (d + Math.sqrt(Math.max(0, d * d - 4 * alpha)));
                f += x - t + Math.log((t + 1) / x) + alpha * Math.log(t / alpha + 1);
            } else {
                f += x - Math.log(Math.max(x, Double.MIN_NORMAL));
            }
        }
        return f;
    }

    /** τ̄(α): the zero of Φ(τ) + Φ(τ/α), found by bisection (the function decreases in τ). */
    static double tauBar(double alpha) {
        double lo = 1e-9, hi = 1e3;
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (lo + hi);
            if (phi(mid) + phi(mid / alpha) > 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    private static double phi(double z) {
        return Math.log1p(z) / z - 0.5;
    }

    private static double minimise(java.util.function.DoubleUnaryOperator f, double lo, double hi) {
        double logLo = Math.log(lo), logHi = Math.log(hi);
        int n = 200;
        int best = 0;
        double bestVal = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= n; i++) {
            double v = f.applyAsDouble(Math.exp(logLo + (logHi - logLo) * i / n));
            if (v < bestVal) {
                bestVal = v;
                best = i;
            }
        }
        double a = logLo + (logHi - logLo) * Math.max(0, best - 1) / n;
        double b = logLo + (logHi - logLo) * Math.min(n, best + 1) / n;
        double g = (Math.sqrt(5) - 1) / 2;
        for (int i = 0; i < 60; i++) {
            double c = b - g * (b - a), d = a + g * (b - a);
            if (f.applyAsDouble(Math.exp(c)) < f.applyAsDouble(Math.exp(d))) {
                b = d;
            } else {
                a = c;
            }
        }
        return Math.exp(0.5 * (a + b));
    }
}
