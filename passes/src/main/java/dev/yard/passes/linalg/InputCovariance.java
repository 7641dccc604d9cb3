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
    /** The sum of the samples, when known: their mean is what bias correction needs. */
    private final double[] sum;

    private InputCovariance(DMatrixRMaj matrix, long samples, double[] sum) {
        this.matrix = matrix;
        this.samples = samples;
        this.sum = sum;
    }

    /** From samples stored row-major, one sample of length {@code dim} per row. */
    public static InputCovariance fromSamples(double[] rows, int dim) {
        if (rows.length % dim != 0) throw new IllegalArgumentException(rows.length + " values are not rows of " + dim);
        DMatrixRMaj x = Dense.wrap(rows.length / dim, dim, rows);
        double[] sum = new double[dim];
        for (int r = 0; r < x.numRows; r++) {
            for (int j = 0; j < dim; j++) sum[j] += rows[r * dim + j];
        }
        return new InputCovariance(Dense.columnGram(x), x.numRows, sum);
    }

    /** From an already accumulated dim x dim matrix (row-major, symmetric); the samples' mean is not known. */
    public static InputCovariance of(double[] matrix, int dim, long samples) {
        if (matrix.length != (long) dim * dim) throw new IllegalArgumentException("not " + dim + " x " + dim);
        return new InputCovariance(Dense.wrap(dim, dim, matrix.clone()), samples, null);
    }

    /** The sum of this and {@code other} (both of one dimension): the covariance of both sample sets together. */
    public InputCovariance plus(InputCovariance other) {
        checkDimension(other.dimension());
        DMatrixRMaj total = matrix.copy();
        for (int i = 0; i < total.data.length; i++) total.data[i] += other.matrix.data[i];
        double[] s = null;
        if (sum != null && other.sum != null) {
            s = sum.clone();
            for (int i = 0; i < s.length; i++) s[i] += other.sum[i];
        }
        return new InputCovariance(total, samples + other.samples, s);
    }

    /** The mean sample, or null when it is not known. */
    public double[] mean() {
        if (sum == null || samples == 0) return null;
        double[] m = sum.clone();
        for (int i = 0; i < m.length; i++) m[i] /= samples;
        return m;
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
        return new InputCovariance(c, samples, sum);
    }

    /** ||(W - W~) C^{1/2}|| / ||W C^{1/2}||, for a weight seen as [N, dim]. */
    public double relativeOutputError(DenseTensor weight, DenseTensor approximation) {
        DenseTensor w = weight.asMatrix();
        checkDimension(w.dim(1));
        double[] diff = w.data().clone();
        for (int i = 0; i < diff.length; i++) diff[i] -= approximation.data()[i];
        double err = quadratic(Dense.wrap(w.dim(0), w.dim(1), diff));
        double ref = reference(weight);
        return ref == 0 ? Math.sqrt(err) : Math.sqrt(err / ref);
    }

    // The last weight asked about, and what it costs N·dim² to compute for it: the fits of one
    // layer at several ranks ask about the same weight again and again.
    private double[] memoWeight;
    private DMatrixRMaj memoGram;
    private double memoReference;

    private void remember(DenseTensor weight) {
        DenseTensor w = weight.asMatrix();
        if (memoWeight != null && java.util.Arrays.equals(memoWeight, w.data())) return;
        checkDimension(w.dim(1));
        DMatrixRMaj wm = Dense.wrap(w.dim(0), w.dim(1), w.data());
        DMatrixRMaj gram = Dense.multTransB(Dense.mult(wm, matrix), wm);
        double trace = 0;
        for (int i = 0; i < gram.numRows; i++) trace += gram.data[i * gram.numCols + i];
        memoWeight = w.data().clone();
        memoGram = gram;
        memoReference = trace;
    }

    /** tr(W C Wᵀ) = ||W C^{1/2}||², for a weight seen as [N, dim]. */
    public double reference(DenseTensor weight) {
        remember(weight);
        return memoReference;
    }

    /** W C Wᵀ (N x N), for a weight seen as [N, dim]. */
    DMatrixRMaj gramThrough(DenseTensor weight) {
        remember(weight);
        return memoGram;
    }

    /**
     * The relative output error {@code error} (as {@link #relativeOutputError} gives it) once
     * {@code shift}, (W - W~) μ for the samples' mean μ, is added to the bias:
     * sqrt(error² - n ||shift||² / tr(W C Wᵀ)) for n samples.
     */
    public double withShift(DenseTensor weight, double error, double[] shift) {
        if (shift == null) return error;
        double ref = reference(weight);
        if (ref == 0) return error;
        double s2 = 0;
        for (double s : shift) s2 += s * s;
        return Math.sqrt(Math.max(0, error * error - samples * s2 / ref));
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
