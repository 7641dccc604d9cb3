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
    /**
     * For sequential fitting, the same positions as the original model reads them: the
     * samples above are what the model with earlier layers already replaced feeds the layer
     * (X^), these are what the original feeds it (X). {@code cross} = X X^ᵀ, {@code original}
     * = X Xᵀ, {@code originalSum} the sum of X. Null when the statistics are of one model.
     */
    private final DMatrixRMaj cross;

    private final DMatrixRMaj original;
    private final double[] originalSum;

    private InputCovariance(DMatrixRMaj matrix, long samples, double[] sum) {
        this(matrix, samples, sum, null, null, null);
    }

    private InputCovariance(
            DMatrixRMaj matrix,
            long samples,
            double[] sum,
            DMatrixRMaj cross,
            DMatrixRMaj original,
            double[] originalSum) {
        this.matrix = matrix;
        this.samples = samples;
        this.sum = sum;
        this.cross = cross;
        this.original = original;
        this.originalSum = originalSum;
    }

    /**
     * From the same positions read in two models, row-major, one sample of length {@code dim}
     * per row: {@code originalRows} as the original model feeds the layer, {@code rows} as the
     * model with earlier layers replaced feeds it. A fit to these reproduces the original
     * layer's outputs from the inputs it will really get (sequential fitting).
     */
    public static InputCovariance paired(double[] originalRows, double[] rows, int dim) {
        if (rows.length != originalRows.length || rows.length % dim != 0) {
            throw new IllegalArgumentException("paired samples must be rows of " + dim + " in equal numbers");
        }
        int n = rows.length / dim;
        DMatrixRMaj xa = Dense.wrap(n, dim, originalRows);
        DMatrixRMaj xb = Dense.wrap(n, dim, rows);
        return new InputCovariance(
                Dense.columnGram(xb),
                n,
                columnSums(rows, dim),
                Dense.multTransA(xa, xb),
                Dense.columnGram(xa),
                columnSums(originalRows, dim));
    }

    private static double[] columnSums(double[] rows, int dim) {
        double[] sum = new double[dim];
        for (int r = 0; r < rows.length / dim; r++) {
            for (int j = 0; j < dim; j++) {
                sum[j] += rows[r * dim + j];
            }
        }
        return sum;
    }

    /** Whether these are paired statistics of the original and of an already approximated model. */
    public boolean paired() {
        return cross != null;
    }

    /**
     * The weight a fit on these statistics should approximate in their metric: W itself for one
     * model's statistics; for paired ones the best full-rank weight on the approximated inputs,
     * W* = (W X X^ᵀ + λW)(X^ X^ᵀ + λI)⁻¹, which minimises ||W X - W' X^||² + λ||W' - W||²: since
     * ||W X - W~ X^||² = ||(W~ - W*) C^{1/2}||² + a constant (up to the ridge), a whitened fit
     * of W* fits the original outputs. The ridge pulls W* towards W where the samples say
     * little (fewer samples than inputs, channels that never vary), so that it does not fit
     * noise of the calibration data.
     */
    public DenseTensor target(DenseTensor weight) {
        if (cross == null) {
            return weight;
        }
        DenseTensor w = weight.asMatrix();
        checkDimension(w.dim(1));
        DMatrixRMaj wm = Dense.wrap(w.dim(0), w.dim(1), w.data());
        DMatrixRMaj b = Dense.mult(wm, cross);
        double lambda = TARGET_RIDGE * meanDiagonal();
        for (int i = 0; i < b.data.length; i++) {
            b.data[i] += lambda * wm.data[i];
        }
        DMatrixRMaj x = Dense.solveRightSymmetric(b, matrix, lambda);
        return new DenseTensor(weight.shape().clone(), x.data);
    }

    /**
     * The ridge of {@link #target}, relative to the mean variance of an input. Strong: with a
     * few thousand samples of inputs as long, a weak ridge fits the calibration data's noise (on
     * PP-OCRv3 recognition at 1e-2, the sequential fit beat the plain one on its 32 calibration
     * lines and lost to it on 150 others; at 100 it won on both).
     */
    static final double TARGET_RIDGE = 100;

    private double meanDiagonal() {
        double mean = 0;
        for (int i = 0; i < matrix.numRows; i++) {
            mean += matrix.data[i * matrix.numCols + i];
        }
        mean /= matrix.numRows;
        return mean > 0 ? mean : 1;
    }

    /**
     * ||W X - W~ X^|| / ||W X|| for paired statistics (the original layer on what the original
     * feeds it, against {@code approximation}, seen as [N, dim], on what it will get), from
     * the three covariances; for one model's statistics, {@link #relativeOutputError}.
     */
    public double errorAgainstOriginal(DenseTensor weight, DenseTensor approximation) {
        if (cross == null) {
            return relativeOutputError(weight, approximation);
        }
        DenseTensor w = weight.asMatrix();
        checkDimension(w.dim(1));
        DMatrixRMaj wm = Dense.wrap(w.dim(0), w.dim(1), w.data());
        DMatrixRMaj am = Dense.wrap(w.dim(0), w.dim(1), approximation.data());
        double refOriginal = originalReference(weight);
        DMatrixRMaj wc = Dense.mult(wm, cross);
        double mixed = 0;
        for (int i = 0; i < wc.data.length; i++) {
            mixed += wc.data[i] * am.data[i];
        }
        double residual = Math.max(0, refOriginal - 2 * mixed + quadratic(am));
        return refOriginal == 0 ? Math.sqrt(residual) : Math.sqrt(residual / refOriginal);
    }

    /** tr(W X Xᵀ Wᵀ) on the original model's samples (paired statistics), else {@link #reference}. */
    public double originalReference(DenseTensor weight) {
        if (original == null) {
            return reference(weight);
        }
        DenseTensor w = weight.asMatrix();
        DMatrixRMaj wm = Dense.wrap(w.dim(0), w.dim(1), w.data());
        DMatrixRMaj wc = Dense.mult(wm, original);
        double s = 0;
        for (int i = 0; i < wc.data.length; i++) {
            s += wc.data[i] * wm.data[i];
        }
        return s;
    }

    /** The mean sample as the original model feeds the layer (paired statistics), else {@link #mean}. */
    public double[] originalMean() {
        if (originalSum == null) {
            return mean();
        }
        if (samples == 0) {
            return null;
        }
        double[] m = originalSum.clone();
        for (int i = 0; i < m.length; i++) {
            m[i] /= samples;
        }
        return m;
    }

    /** From samples stored row-major, one sample of length {@code dim} per row. */
    public static InputCovariance fromSamples(double[] rows, int dim) {
        if (rows.length % dim != 0) {
            throw new IllegalArgumentException(rows.length + " values are not rows of " + dim);
        }
        DMatrixRMaj x = Dense.wrap(rows.length / dim, dim, rows);
        double[] sum = new double[dim];
        for (int r = 0; r < x.numRows; r++) {
            for (int j = 0; j < dim; j++) {
                sum[j] += rows[r * dim + j];
            }
        }
        return new InputCovariance(Dense.columnGram(x), x.numRows, sum);
    }

    /** From an already accumulated dim x dim matrix (row-major, symmetric); the samples' mean is not known. */
    public static InputCovariance of(double[] matrix, int dim, long samples) {
        if (matrix.length != (long) dim * dim) {
            throw new IllegalArgumentException("not " + dim + " x " + dim);
        }
        return new InputCovariance(Dense.wrap(dim, dim, matrix.clone()), samples, null);
    }

    /** The mean sample, or null when it is not known. */
    public double[] mean() {
        if (sum == null || samples == 0) {
            return null;
        }
        double[] m = sum.clone();
        for (int i = 0; i < m.length; i++) {
            m[i] /= samples;
        }
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
        double lambda = relativeLambda * meanDiagonal();
        for (int i = 0; i < n; i++) {
            c.data[i * n + i] += lambda;
        }
        return new InputCovariance(c, samples, sum, cross, original, originalSum);
    }

    /** ||(W - W~) C^{1/2}|| / ||W C^{1/2}||, for a weight seen as [N, dim]. */
    public double relativeOutputError(DenseTensor weight, DenseTensor approximation) {
        DenseTensor w = weight.asMatrix();
        checkDimension(w.dim(1));
        double[] diff = w.data().clone();
        for (int i = 0; i < diff.length; i++) {
            diff[i] -= approximation.data()[i];
        }
        double err = quadratic(Dense.wrap(w.dim(0), w.dim(1), diff));
        double ref = reference(weight);
        return ref == 0 ? Math.sqrt(err) : Math.sqrt(err / ref);
    }

    // The last weight asked about, and what it costs N·dim² to compute for it: the fits of one
    // layer at several ranks ask about the same weight again and again.
    private double[] memoWeight;
    private DMatrixRMaj memoProduct;
    private DMatrixRMaj memoGram;
    private double memoReference;

    private void remember(DenseTensor weight) {
        DenseTensor w = weight.asMatrix();
        if (memoWeight != null && java.util.Arrays.equals(memoWeight, w.data())) {
            return;
        }
        checkDimension(w.dim(1));
        DMatrixRMaj wm = Dense.wrap(w.dim(0), w.dim(1), w.data());
        DMatrixRMaj product = Dense.mult(wm, matrix);
        DMatrixRMaj gram = Dense.multTransB(product, wm);
        double trace = 0;
        for (int i = 0; i < gram.numRows; i++) {
            trace += gram.data[i * gram.numCols + i];
        }
        memoWeight = w.data().clone();
        memoProduct = product;
        memoGram = gram;
        memoReference = trace;
    }

    /** tr(W C Wᵀ) = ||W C^{1/2}||², for a weight seen as [N, dim]. */
    public double reference(DenseTensor weight) {
        remember(weight);
        return memoReference;
    }

    /** W C (N x dim), for a weight seen as [N, dim]; shared, not to be changed. */
    DMatrixRMaj weightTimes(DenseTensor weight) {
        remember(weight);
        return memoProduct;
    }

    /** W C Wᵀ (N x N), for a weight seen as [N, dim]. */
    DMatrixRMaj gramThrough(DenseTensor weight) {
        remember(weight);
        return memoGram;
    }

    /**
     * The relative output error {@code error} (as {@link #relativeOutputError} gives it, or
     * {@link #errorAgainstOriginal} for paired statistics) once {@code shift}, the mean of the
     * residual (W μ - W~ μ^ for the samples' means), is added to the bias:
     * sqrt(error² - n ||shift||² / ||W X||²) for n samples.
     */
    public double withShift(DenseTensor weight, double error, double[] shift) {
        if (shift == null) {
            return error;
        }
        double ref = originalReference(weight);
        if (ref == 0) {
            return error;
        }
        double s2 = 0;
        for (double s : shift) {
            s2 += s * s;
        }
        return Math.sqrt(Math.max(0, error * error - samples * s2 / ref));
    }

    /** tr(A C Aᵀ). */
    double quadratic(DMatrixRMaj a) {
        DMatrixRMaj ac = Dense.mult(a, matrix);
        double s = 0;
        for (int i = 0; i < ac.data.length; i++) {
            s += ac.data[i] * a.data[i];
        }
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
