package dev.yard.passes.linalg;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/** Seeded test tensors and an independent reference SVD (EJML's Golub-Kahan, not our Gram route). */
final class Fixtures {
    private Fixtures() {}

    static DenseTensor gaussian(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextGaussian();
        }
        return DenseTensor.of(d, shape);
    }

    /** A kernel whose channel-mode spectra decay like real trained weights do: G ×₀ U ×₁ V with a scaled core. */
    static DenseTensor decayingKernel(long seed, int cout, int cin, int kh, int kw) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[cout * cin * kh * kw];
        int s = kh * kw;
        for (int o = 0; o < cout; o++) {
            for (int i = 0; i < cin; i++) {
                for (int t = 0; t < s; t++) {
                    d[(o * cin + i) * s + t] = r.nextGaussian() * Math.pow(1 + o, -0.8) * Math.pow(1 + i, -0.6);
                }
            }
        }
        DenseTensor core = DenseTensor.of(d, cout, cin, kh, kw);
        DMatrixRMaj u = Dense.orthonormalColumns(Dense.gaussian(cout, cout, r));
        DMatrixRMaj v = Dense.orthonormalColumns(Dense.gaussian(cin, cin, r));
        double[] x = Dense.mult(u, Dense.wrap(cout, cin * s, core.data())).data;
        double[] x1 = Dense.swap01(x, cout, cin, s);
        double[] y = Dense.mult(v, Dense.wrap(cin, cout * s, x1)).data;
        return DenseTensor.of(Dense.swap01(y, cin, cout, s), cout, cin, kh, kw);
    }

    static double[] referenceSingularValues(DenseTensor m) {
        DenseTensor w = m.asMatrix();
        DMatrixRMaj a = new DMatrixRMaj(w.dim(0), w.dim(1));
        a.data = w.data().clone();
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(a.numRows, a.numCols, false, false, true);
        if (!svd.decompose(a)) {
            throw new AssertionError("reference SVD failed");
        }
        double[] s = svd.getSingularValues().clone();
        Arrays.sort(s);
        for (int i = 0; i < s.length / 2; i++) {
            double t = s[i];
            s[i] = s[s.length - 1 - i];
            s[s.length - 1 - i] = t;
        }
        return Arrays.copyOf(s, Math.min(w.dim(0), w.dim(1)));
    }

    static double tailEnergy(double[] sv, int keep) {
        double t = 0;
        for (int i = keep; i < sv.length; i++) {
            t += sv[i] * sv[i];
        }
        return t;
    }

    static DenseTensor modeOneUnfolding(DenseTensor k) {
        int cout = k.dim(0), cin = k.dim(1), s = k.dim(2) * k.dim(3);
        return DenseTensor.of(Dense.swap01(k.data(), cout, cin, s), cin, cout * s);
    }

    /** Inputs with strongly correlated features: x = L z with a random mixing L and decaying scales. */
    static InputCovariance correlatedInputs(long seed, int dim, int samples) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] mix = new double[dim * dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                mix[i * dim + j] = r.nextGaussian() * Math.pow(1 + j, -1.2);
            }
        }
        double[] x = new double[samples * dim];
        for (int n = 0; n < samples; n++) {
            double[] z = new double[dim];
            for (int j = 0; j < dim; j++) {
                z[j] = r.nextGaussian();
            }
            for (int i = 0; i < dim; i++) {
                double v = 0;
                for (int j = 0; j < dim; j++) {
                    v += mix[i * dim + j] * z[j];
                }
                x[n * dim + i] = v;
            }
        }
        return InputCovariance.fromSamples(x, dim);
    }
}
