package dev.yard.passes.linalg;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/** The state of one {@link CpAls} fit: the kernel in the two layouts the sweeps read, and the factors. */
final class CpAlsRun {
    private final int cout, cin, kh, kw, s, rank;
    private final CpAls.Options options;
    private final double total;
    private final DMatrixRMaj w0; // [cout, (cin, s)]
    private final DMatrixRMaj wcs; // [(cin, s), cout] = w0ᵀ, for Q = W ×₀ A0
    private final DMatrixRMaj wsc; // [(cout, s), cin], for P = W ×₁ A1
    private DMatrixRMaj a0, a1, a2, a3; // [cout, R], [cin, R], [kh, R], [kw, R]

    CpAlsRun(DenseTensor kernel, int rank, CpAls.Options options) {
        this.cout = kernel.dim(0);
        this.cin = kernel.dim(1);
        this.kh = kernel.dim(2);
        this.kw = kernel.dim(3);
        this.s = kh * kw;
        this.rank = rank;
        this.options = options;
        this.total = DenseTensor.squaredNorm(kernel.data());
        this.w0 = Dense.wrap(cout, cin * s, kernel.data());
        this.wcs = Dense.transpose(w0);
        this.wsc = Dense.wrap(cout * s, cin, Dense.swap12(kernel.data(), cout, cin, s));
        SplittableRandom random = new SplittableRandom(options.seed());
        a0 = CpAls.initFactor(w0, rank, options.init(), random);
        a1 = Dense.gaussian(cin, rank, random); // overwritten by the first half-step
        a2 = CpAls.initFactor(unfoldSpatial(true), rank, options.init(), random);
        a3 = CpAls.initFactor(unfoldSpatial(false), rank, options.init(), random);
    }

    CpFactors run() {
        double best = Double.POSITIVE_INFINITY;
        DMatrixRMaj[] bestFactors = null;
        double previous = Double.POSITIVE_INFINITY;
        boolean diverged = false;
        int iterations = 0;
        while (iterations < options.maxIterations()) {
            DMatrixRMaj[] old = {a0.copy(), a1.copy(), a2.copy(), a3.copy()};
            double err = sweep();
            iterations++;
            if (options.lineSearch() && iterations > 1 && Double.isFinite(err)) {
                // Bro's extrapolation: jump further along the last update; keep it only if it helps.
                double step = Math.cbrt(iterations);
                DMatrixRMaj[] now = {a0, a1, a2, a3};
                DMatrixRMaj[] jump = new DMatrixRMaj[4];
                for (int n = 0; n < 4; n++) {
                    jump[n] = now[n].copy();
                    for (int i = 0; i < jump[n].data.length; i++) {
                        jump[n].data[i] = old[n].data[i] + step * (now[n].data[i] - old[n].data[i]);
                    }
                }
                double jumpErr = squaredError(jump);
                if (jumpErr < err) {
                    a0 = jump[0];
                    a1 = jump[1];
                    a2 = jump[2];
                    a3 = jump[3];
                    err = jumpErr;
                }
            }
            double ratio = balance();
            if (!Double.isFinite(err) || !Dense.allFinite(a0.data) || ratio > options.divergenceRatio()) {
                diverged = true;
                if (bestFactors == null) {
                    bestFactors = new DMatrixRMaj[] {a0, a1, a2, a3};
                }
                break;
            }
            if (err < best) {
                best = err;
                bestFactors = new DMatrixRMaj[] {a0.copy(), a1.copy(), a2.copy(), a3.copy()};
            }
            double rel = Math.sqrt(Math.max(0, err) / total);
            double prevRel = Math.sqrt(Math.max(0, previous) / total);
            if (Math.abs(prevRel - rel) < options.tolerance() || rel < 1e-13) {
                break;
            }
            previous = err;
        }
        a0 = bestFactors[0];
        a1 = bestFactors[1];
        a2 = bestFactors[2];
        a3 = bestFactors[3];
        double ratio = balance();
        double congruence = minCongruence();
        // Slow degeneracies (the usual case, ALS crawls through a swamp) do not reach a large
        // weight ratio within the iteration budget, but their components already nearly cancel.
        diverged |= congruence < CONGRUENCE_LIMIT;
        return factors(iterations, diverged, ratio, congruence);
    }

    /** One ALS sweep over the modes Cin, Cout, kh, kw; returns the squared error after it. */
    private double sweep() {
        DMatrixRMaj g0 = Dense.columnGram(a0), g2 = Dense.columnGram(a2), g3 = Dense.columnGram(a3);
        DMatrixRMaj k = spatial(a2, a3);
        DMatrixRMaj q = Dense.mult(wcs, a0); // [(cin, s), R]
        a1 = solve(contractSpatial(q, cin, k), hadamard(g0, g2, g3));
        DMatrixRMaj g1 = Dense.columnGram(a1);
        DMatrixRMaj p = Dense.mult(wsc, a1); // [(cout, s), R]
        a0 = solve(contractSpatial(p, cout, k), hadamard(g1, g2, g3));
        g0 = Dense.columnGram(a0);
        DMatrixRMaj pa = contractChannel(p, a0); // [s, R]
        DMatrixRMaj m2 = new DMatrixRMaj(kh, rank);
        for (int h = 0; h < kh; h++) {
            for (int w = 0; w < kw; w++) {
                for (int r = 0; r < rank; r++) {
                    m2.data[h * rank + r] += pa.data[(h * kw + w) * rank + r] * a3.data[w * rank + r];
                }
            }
        }
        a2 = solve(m2, hadamard(g0, g1, g3));
        g2 = Dense.columnGram(a2);
        DMatrixRMaj m3 = new DMatrixRMaj(kw, rank);
        for (int h = 0; h < kh; h++) {
            for (int w = 0; w < kw; w++) {
                for (int r = 0; r < rank; r++) {
                    m3.data[w * rank + r] += pa.data[(h * kw + w) * rank + r] * a2.data[h * rank + r];
                }
            }
        }
        a3 = solve(m3, hadamard(g0, g1, g2));
        g3 = Dense.columnGram(a3);
        double inner = 0;
        for (int i = 0; i < m3.data.length; i++) {
            inner += m3.data[i] * a3.data[i];
        }
        return total - 2 * inner + modelNorm(g0, g1, g2, g3);
    }

    /** ||W - [[a0, a1, a2, a3]]||², one extra product with the kernel. */
    private double squaredError(DMatrixRMaj[] f) {
        DMatrixRMaj p = Dense.mult(wsc, f[1]);
        DMatrixRMaj m0 = contractSpatial(p, cout, spatial(f[2], f[3]));
        double inner = 0;
        for (int i = 0; i < m0.data.length; i++) {
            inner += m0.data[i] * f[0].data[i];
        }
        return total
                - 2 * inner
                + modelNorm(
                        Dense.columnGram(f[0]), Dense.columnGram(f[1]), Dense.columnGram(f[2]), Dense.columnGram(f[3]));
    }

    private static double modelNorm(DMatrixRMaj g0, DMatrixRMaj g1, DMatrixRMaj g2, DMatrixRMaj g3) {
        double n = 0;
        for (int i = 0; i < g0.data.length; i++) {
            n += g0.data[i] * g1.data[i] * g2.data[i] * g3.data[i];
        }
        return n;
    }

    private DMatrixRMaj solve(DMatrixRMaj mttkrp, DMatrixRMaj v) {
        double mean = 0;
        for (int i = 0; i < rank; i++) {
            mean += v.data[i * rank + i];
        }
        mean /= rank;
        return Dense.solveRightSymmetric(mttkrp, v, options.damping() * (mean > 0 ? mean : 1));
    }

    private static DMatrixRMaj hadamard(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        DMatrixRMaj h = new DMatrixRMaj(a.numRows, a.numCols);
        for (int i = 0; i < h.data.length; i++) {
            h.data[i] = a.data[i] * b.data[i] * c.data[i];
        }
        return h;
    }

    /** K[(h, w), r] = a2[h, r] a3[w, r]. */
    private DMatrixRMaj spatial(DMatrixRMaj f2, DMatrixRMaj f3) {
        DMatrixRMaj k = new DMatrixRMaj(s, rank);
        for (int h = 0; h < kh; h++) {
            for (int w = 0; w < kw; w++) {
                for (int r = 0; r < rank; r++) {
                    k.data[(h * kw + w) * rank + r] = f2.data[h * rank + r] * f3.data[w * rank + r];
                }
            }
        }
        return k;
    }

    /** M[i, r] = Σ_s X[(i, s), r] K[s, r]. */
    private DMatrixRMaj contractSpatial(DMatrixRMaj x, int rows, DMatrixRMaj k) {
        DMatrixRMaj m = new DMatrixRMaj(rows, rank);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < s; j++) {
                int xo = (i * s + j) * rank;
                int ko = j * rank;
                int mo = i * rank;
                for (int r = 0; r < rank; r++) {
                    m.data[mo + r] += x.data[xo + r] * k.data[ko + r];
                }
            }
        }
        return m;
    }

    /** PA[s, r] = Σ_o P[(o, s), r] a0[o, r]. */
    private DMatrixRMaj contractChannel(DMatrixRMaj p, DMatrixRMaj f0) {
        DMatrixRMaj m = new DMatrixRMaj(s, rank);
        for (int o = 0; o < cout; o++) {
            for (int j = 0; j < s; j++) {
                int po = (o * s + j) * rank;
                for (int r = 0; r < rank; r++) {
                    m.data[j * rank + r] += p.data[po + r] * f0.data[o * rank + r];
                }
            }
        }
        return m;
    }

    /**
     * Gives every component the same column norm in all four factors (the model is unchanged)
     * and returns the largest component weight over ||W||, the degeneracy measure.
     */
    private double balance() {
        DMatrixRMaj[] f = {a0, a1, a2, a3};
        double maxWeight = 0;
        for (int r = 0; r < rank; r++) {
            double[] norms = new double[4];
            double weight = 1;
            for (int n = 0; n < 4; n++) {
                double sq = 0;
                for (int i = 0; i < f[n].numRows; i++) {
                    sq += f[n].data[i * rank + r] * f[n].data[i * rank + r];
                }
                norms[n] = Math.sqrt(sq);
                weight *= norms[n];
            }
            maxWeight = Math.max(maxWeight, weight);
            if (weight == 0 || !Double.isFinite(weight)) {
                continue;
            }
            double target = Math.pow(weight, 0.25);
            for (int n = 0; n < 4; n++) {
                double scale = target / norms[n];
                for (int i = 0; i < f[n].numRows; i++) {
                    f[n].data[i * rank + r] *= scale;
                }
            }
        }
        return maxWeight / Math.sqrt(total);
    }

    /** Product of the four cosines below which two components count as cancelling (Tomasi and Bro 2006 use -0.85 for three modes). */
    static final double CONGRUENCE_LIMIT = -0.85;

    /** The smallest, over pairs of components, product of the cosines of their factor columns: -1 for exact cancellation. */
    private double minCongruence() {
        DMatrixRMaj[] f = {a0, a1, a2, a3};
        double[][] g = new double[4][];
        for (int n = 0; n < 4; n++) {
            g[n] = Dense.columnGram(f[n]).data;
        }
        double min = 1;
        for (int r = 0; r < rank; r++) {
            for (int q = r + 1; q < rank; q++) {
                double c = 1;
                for (int n = 0; n < 4; n++) {
                    double d = Math.sqrt(g[n][r * rank + r] * g[n][q * rank + q]);
                    c *= d > 0 ? g[n][r * rank + q] / d : 0;
                }
                min = Math.min(min, c);
            }
        }
        return min;
    }

    private CpFactors factors(int iterations, boolean diverged, double ratio, double congruence) {
        double[] first = Dense.transpose(a1).data;
        double[] vertical = Dense.transpose(a2).data;
        double[] horizontal = Dense.transpose(a3).data;
        double[] approx = CpAls.expand(a0.data, first, vertical, horizontal, cout, cin, kh, kw, rank, true);
        double err = 0;
        for (int i = 0; i < approx.length; i++) {
            double d = w0.data[i] - approx[i];
            err += d * d;
        }
        return new CpFactors(
                DenseTensor.of(first, rank, cin, 1, 1),
                DenseTensor.of(vertical, rank, 1, kh, 1),
                DenseTensor.of(horizontal, rank, 1, 1, kw),
                DenseTensor.of(a0.data.clone(), cout, rank, 1, 1),
                TruncatedSvd.relative(err, total),
                iterations,
                diverged,
                ratio,
                congruence);
    }

    /** The kernel unfolded along kh (true) or kw (false): [kh, (cout, cin, kw)] or [kw, ...]. */
    private DMatrixRMaj unfoldSpatial(boolean vertical) {
        int n = vertical ? kh : kw;
        int rest = cout * cin * s / n;
        DMatrixRMaj u = new DMatrixRMaj(n, rest);
        int col = 0;
        for (int oc = 0; oc < cout * cin; oc++) {
            for (int other = 0; other < s / n; other++, col++) {
                for (int i = 0; i < n; i++) {
                    int h = vertical ? i : other;
                    int w = vertical ? other : i;
                    u.data[i * rest + col] = w0.data[oc * s + h * kw + w];
                }
            }
        }
        return u;
    }
}
