package dev.yard.passes.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * C = X Xᵀ for the real inputs X of one layer, the metric of calibration-aware fitting: a
 * factorisation W~ that minimises ||(W - W~) C^{1/2}|| minimises the layer's output error
 * on those inputs rather than its weight error.
 *
 * <p>For a Gemm or 1x1 conv the samples are input vectors of length M (or Cin); for a kxk
 * conv they are im2col patches of length Cin·kh·kw, ordered (c, i, j) like a row of the
 * OIHW kernel.
 */
public final class InputCovariance {
    private final DMatrixRMaj matrix;
    private final long samples;

    private InputCovariance(DMatrixRMaj matrix, long samples) {
        this.matrix = matrix;
        this.samples = samples;
    }

    /** From samples stored row-major, one sample of length {@code dim} per row. */
    public static InputCovariance fromSamples(double[] rows, int dim) {
        if (rows.length % dim != 0) throw new IllegalArgumentException(rows.length + " values are not rows of " + dim);
        DMatrixRMaj x = Dense.wrap(rows.length / dim, dim, rows);
        return new InputCovariance(Dense.columnGram(x), x.numRows);
    }

    /** From an already accumulated dim x dim matrix (row-major, symmetric). */
    public static InputCovariance of(double[] matrix, int dim, long samples) {
        if (matrix.length != (long) dim * dim) throw new IllegalArgumentException("not " + dim + " x " + dim);
        return new InputCovariance(Dense.wrap(dim, dim, matrix.clone()), samples);
    }

    /** The sum of this and {@code other} (both of one dimension): the covariance of both sample sets together. */
    public InputCovariance plus(InputCovariance other) {
        checkDimension(other.dimension());
        DMatrixRMaj sum = matrix.copy();
        for (int i = 0; i < sum.data.length; i++) sum.data[i] += other.matrix.data[i];
        return new InputCovariance(sum, samples + other.samples);
    }

    /** The matrix, row-major (a copy). */
    public double[] values() {
        return matrix.data.clone();
    }

    public int dimension() {
        return matrix.numRows;
    }

    public long samples() {
        return samples;
    }

    /** The matrix with λ·mean(diag C)·I added, for fits that must invert a projection of C. */
    public InputCovariance regularized(double relativeLambda) {
        DMatrixRMaj c = matrix.copy();
        int n = c.numRows;
        double mean = 0;
        for (int i = 0; i < n; i++) mean += c.data[i * n + i];
        mean /= n;
        double lambda = relativeLambda * (mean > 0 ? mean : 1);
        for (int i = 0; i < n; i++) c.data[i * n + i] += lambda;
        return new InputCovariance(c, samples);
    }

    /** ||(W - W~) C^{1/2}|| / ||W C^{1/2}||, for a weight seen as [N, dim]. */
    public double relativeOutputError(DenseTensor weight, DenseTensor approximation) {
        DenseTensor w = weight.asMatrix();
        checkDimension(w.dim(1));
        double[] diff = w.data().clone();
        for (int i = 0; i < diff.length; i++) diff[i] -= approximation.data()[i];
        double err = quadratic(Dense.wrap(w.dim(0), w.dim(1), diff));
        double ref = quadratic(Dense.wrap(w.dim(0), w.dim(1), w.data()));
        return ref == 0 ? Math.sqrt(err) : Math.sqrt(err / ref);
    }

    /** tr(A C Aᵀ). */
    double quadratic(DMatrixRMaj a) {
        DMatrixRMaj ac = Dense.mult(a, matrix);
        double s = 0;
        for (int i = 0; i < ac.data.length; i++) s += ac.data[i] * a.data[i];
        return s;
    }

    DMatrixRMaj matrix() {
        return matrix;
    }

    void checkDimension(int dim) {
        if (dim != matrix.numRows) {
            throw new IllegalArgumentException("covariance is " + matrix.numRows + " x " + matrix.numRows
                    + " but the weight has " + dim + " inputs per output");
        }
    }
}
