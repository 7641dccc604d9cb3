package dev.yard.passes.linalg;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The few dense kernels every decomposition is built from, on EJML row-major matrices:
 * products (threaded once they are large enough to pay for it), Gram matrices, leading
 * eigenpairs, orthonormalisation and the axis swaps that turn one unfolding into another.
 *
 * <p>Large products, Gram matrices, eigensolves, QRs and solves run on native BLAS/LAPACK
 * when {@link NativeLinearAlgebra} has loaded them ({@link NativeKernels}), the rest on
 * EJML. Small ones stay on EJML even then: below the thresholds here a JNI call and
 * OpenBLAS's thread hand-off cost more than they save, and small layers keep the same bits
 * on every machine, with or without a native library.
 */
final class Dense {
    private Dense() {}

    /** Below this many multiply-adds a threaded product costs more in hand-off than it saves. */
    private static final double THREADING_THRESHOLD = 4e6;

    /** Products, Gram matrices and QRs above this many multiply-adds go native when they can. */
    static final double NATIVE_PRODUCT_THRESHOLD = 1 << 17;

    /** Symmetric eigenproblems above this order go native when they can. */
    static final int NATIVE_EIGEN_THRESHOLD = 64;

    /**
     * From this order on, and up to this share of the eigenvectors, computing only those beats
     * a full native solve (measured: 5.4 s vs 3.0 s at n=4096, k=256; 25 vs 20 ms at n=512,
     * k=64; even at n=512, k=128; slower at n=256).
     */
    static final int PARTIAL_EIGEN_MIN_ORDER = 512;

    static final double PARTIAL_EIGEN_FRACTION = 0.25;

    static DMatrixRMaj wrap(int rows, int cols, double[] data) {
        return DMatrixRMaj.wrap(rows, cols, data);
    }

    private static boolean nativeProduct(double multiplyAdds) {
        return multiplyAdds > NATIVE_PRODUCT_THRESHOLD && NativeLinearAlgebra.enabled();
    }

    static DMatrixRMaj mult(DMatrixRMaj a, DMatrixRMaj b) {
        double work = (double) a.numRows * a.numCols * b.numCols;
        if (nativeProduct(work)) {
            return NativeKernels.mult(a, b);
        }
        DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numCols);
        if (work > THREADING_THRESHOLD) {
            CommonOps_MT_DDRM.mult(a, b, c);
        } else {
            CommonOps_DDRM.mult(a, b, c);
        }
        return c;
    }

    /** aᵀ b. On EJML, transposes a first: its row-major product is faster than its transposed variant. */
    static DMatrixRMaj multTransA(DMatrixRMaj a, DMatrixRMaj b) {
        if (nativeProduct((double) a.numRows * a.numCols * b.numCols)) {
            return NativeKernels.multTransA(a, b);
        }
        return mult(transpose(a), b);
    }

    /** a bᵀ. */
    static DMatrixRMaj multTransB(DMatrixRMaj a, DMatrixRMaj b) {
        double work = (double) a.numRows * a.numCols * b.numRows;
        if (nativeProduct(work)) {
            return NativeKernels.multTransB(a, b);
        }
        DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numRows);
        if (work > THREADING_THRESHOLD) {
            CommonOps_MT_DDRM.multTransB(a, b, c);
        } else {
            CommonOps_DDRM.multTransB(a, b, c);
        }
        return c;
    }

    /** a aᵀ: the Gram matrix of the rows. */
    static DMatrixRMaj rowGram(DMatrixRMaj a) {
        // A symmetric rank-k update does half the work of a general product.
        if (nativeProduct((double) a.numRows * a.numRows * a.numCols / 2)) {
            return NativeKernels.rowGram(a);
        }
        return multTransB(a, a);
    }

    /** aᵀ a: the Gram matrix of the columns. */
    static DMatrixRMaj columnGram(DMatrixRMaj a) {
        if (nativeProduct((double) a.numCols * a.numCols * a.numRows / 2)) {
            return NativeKernels.columnGram(a);
        }
        return multTransA(a, a);
    }

    /** Eigenpairs of a symmetric matrix, eigenvalues descending, vectors as columns. */
    record Eigen(double[] values, DMatrixRMaj vectors) {
        /** The first k eigenvectors as an n x k matrix. */
        DMatrixRMaj leading(int k) {
            DMatrixRMaj v = new DMatrixRMaj(vectors.numRows, k);
            CommonOps_DDRM.extract(vectors, 0, vectors.numRows, 0, k, v, 0, 0);
            return v;
        }

        double leadingSum(int k) {
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += Math.max(0, values[i]);
            }
            return s;
        }
    }

    static Eigen symmetricEigen(DMatrixRMaj s) {
        int n = s.numRows;
        DMatrixRMaj sym = symmetrised(s);
        double[] vals;
        double[] columns; // eigenvector j at [j n, (j+1) n)
        if (n > NATIVE_EIGEN_THRESHOLD && NativeLinearAlgebra.enabled()) {
            double[][] e = NativeKernels.symmetricEigen(sym, true);
            vals = e[0];
            columns = e[1];
        } else {
            EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
            if (!eig.decompose(sym)) {
                throw new ArithmeticException("symmetric eigendecomposition failed (n=" + n + ")");
            }
            vals = new double[n];
            columns = new double[n * n];
            for (int i = 0; i < n; i++) {
                vals[i] = eig.getEigenvalue(i).getReal();
                System.arraycopy(eig.getEigenVector(i).data, 0, columns, i * n, n);
            }
        }
        return sortedEigen(vals, columns, n);
    }

    /**
     * The k largest eigenpairs (and all eigenvalues) of a symmetric matrix: a cheaper solve
     * when native LAPACK is there and k is a small part of n, the full one otherwise.
     * {@link Eigen#leading} works up to k.
     */
    static Eigen leadingEigen(DMatrixRMaj s, int k) {
        int n = s.numRows;
        if (n >= PARTIAL_EIGEN_MIN_ORDER && k <= n * PARTIAL_EIGEN_FRACTION && NativeLinearAlgebra.enabled()) {
            double[][] e = NativeKernels.leadingEigen(symmetrised(s), k);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) { // ascending to descending
                values[i] = e[0][n - 1 - i];
            }
            int[] pick = new int[k];
            for (int c = 0; c < k; c++) {
                pick[c] = k - 1 - c;
            }
            return new Eigen(values, signFixed(e[1], n, pick));
        }
        return symmetricEigen(s);
    }

    /**
     * Orders eigenpairs by value, largest first, and keeps the vectors of the first {@code keep}.
     * Ties are broken by index so that the result does not depend on sort stability.
     */
    private static Eigen sortedEigen(double[] vals, double[] columns, int keep) {
        int n = vals.length;
        Integer[] order = descending(vals);
        double[] sorted = new double[n];
        for (int c = 0; c < n; c++) {
            sorted[c] = vals[order[c]];
        }
        int[] pick = new int[keep];
        for (int c = 0; c < keep; c++) {
            pick[c] = order[c];
        }
        return new Eigen(sorted, signFixed(columns, n, pick));
    }

    /**
     * The chosen vectors (vector j at {@code columns[j n, (j+1) n)}) as the columns of an
     * n x pick.length matrix, each signed so that its largest entry is positive: results are
     * then reproducible bit for bit.
     */
    private static DMatrixRMaj signFixed(double[] columns, int n, int[] pick) {
        int keep = pick.length;
        DMatrixRMaj vectors = new DMatrixRMaj(n, keep);
        for (int c = 0; c < keep; c++) {
            int base = pick[c] * n;
            int arg = 0;
            for (int r = 1; r < n; r++) {
                if (Math.abs(columns[base + r]) > Math.abs(columns[base + arg])) {
                    arg = r;
                }
            }
            double sign = columns[base + arg] < 0 ? -1 : 1;
            for (int r = 0; r < n; r++) {
                vectors.data[r * keep + c] = sign * columns[base + r];
            }
        }
        return vectors;
    }

    /** The eigenvalues of a symmetric matrix alone, descending. */
    static double[] symmetricEigenvalues(DMatrixRMaj s) {
        int n = s.numRows;
        DMatrixRMaj sym = symmetrised(s);
        double[] vals;
        if (n > NATIVE_EIGEN_THRESHOLD && NativeLinearAlgebra.enabled()) {
            vals = NativeKernels.symmetricEigen(sym, false)[0];
        } else {
            EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
            if (!eig.decompose(sym)) {
                throw new ArithmeticException("symmetric eigendecomposition failed (n=" + n + ")");
            }
            vals = new double[n];
            for (int i = 0; i < n; i++) {
                vals[i] = eig.getEigenvalue(i).getReal();
            }
        }
        Integer[] order = descending(vals);
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = vals[order[i]];
        }
        return sorted;
    }

    /** Products like a aᵀ are symmetric only up to rounding: average the two triangles. */
    private static DMatrixRMaj symmetrised(DMatrixRMaj s) {
        int n = s.numRows;
        DMatrixRMaj sym = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sym.data[i * n + j] = 0.5 * (s.data[i * n + j] + s.data[j * n + i]);
            }
        }
        return sym;
    }

    /** Indices by value, largest first; ties broken by index so that sort stability does not matter. */
    private static Integer[] descending(double[] vals) {
        Integer[] order = new Integer[vals.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -vals[i]).thenComparingInt(i -> i));
        return order;
    }

    /** Orthonormal basis of the column space (thin Q of a Householder QR). */
    static DMatrixRMaj orthonormalColumns(DMatrixRMaj a) {
        if (nativeProduct((double) a.numRows * a.numCols * a.numCols)) {
            return NativeKernels.orthonormalColumns(a);
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(a.numRows, a.numCols);
        if (!qr.decompose(a.copy())) {
            throw new ArithmeticException("QR failed");
        }
        return qr.getQ(null, true);
    }

    /** Solves x · s = b for x, with s symmetric positive (semi)definite after adding damping·I. */
    static DMatrixRMaj solveRightSymmetric(DMatrixRMaj b, DMatrixRMaj s, double damping) {
        int n = s.numRows;
        if (nativeProduct((double) n * n * (n / 3.0 + b.numRows))) {
            // One copy of s, factored in place: s can be hundreds of MB for a large layer.
            double[] factor = s.data.clone();
            for (int i = 0; i < n; i++) {
                factor[i * n + i] += damping;
            }
            DMatrixRMaj x = NativeKernels.solveRightSymmetricPositiveInPlace(b, factor);
            if (x != null && allFinite(x.data)) {
                return x;
            }
        }
        DMatrixRMaj sd = s.copy();
        for (int i = 0; i < n; i++) {
            sd.data[i * n + i] += damping;
        }
        DMatrixRMaj bt = new DMatrixRMaj(b.numCols, b.numRows);
        CommonOps_DDRM.transpose(b, bt);
        DMatrixRMaj xt = new DMatrixRMaj(n, b.numRows);
        LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(n);
        if (chol.setA(sd.copy())) {
            chol.solve(bt, xt);
            if (allFinite(xt.data)) {
                return transpose(xt);
            }
        }
        // Not positive definite even with damping: fall back to a least-squares solve.
        LinearSolverDense<DMatrixRMaj> ls = LinearSolverFactory_DDRM.pseudoInverse(true);
        ls.setA(sd);
        ls.solve(bt, xt);
        return transpose(xt);
    }

    /**
     * (Uᵀ ⊗ I_S) X for U [Cin, R] and X [Cin·S, N] whose rows are ordered (c, t): the Cin axis of
     * X contracted with U at each of the S positions t, giving rows ordered (r, t). S products
     * of Uᵀ with the rows of one position, never the Kronecker matrix (S times the work).
     */
    static DMatrixRMaj contractChannels(DMatrixRMaj u, DMatrixRMaj x, int s) {
        return s == 1 ? mult(transpose(u), checkedRows(u, x, 1)) : contractChannels(u, x, s, false);
    }

    /**
     * The transpose of {@link #contractChannels}, [N, R·S], written directly: for a large X the
     * product and its transpose would otherwise be held at once.
     */
    static DMatrixRMaj contractChannelsTransposed(DMatrixRMaj u, DMatrixRMaj x, int s) {
        return contractChannels(u, x, s, true);
    }

    private static DMatrixRMaj checkedRows(DMatrixRMaj u, DMatrixRMaj x, int s) {
        if (x.numRows != u.numRows * s) {
            throw new IllegalArgumentException(
                    x.numRows + " rows are not " + u.numRows + " channels x " + s + " positions");
        }
        return x;
    }

    private static DMatrixRMaj contractChannels(DMatrixRMaj u, DMatrixRMaj x, int s, boolean transposed) {
        checkedRows(u, x, s);
        int cin = u.numRows;
        int r = u.numCols;
        int n = x.numCols;
        DMatrixRMaj ut = transpose(u);
        DMatrixRMaj y = transposed ? new DMatrixRMaj(n, r * s) : new DMatrixRMaj(r * s, n);
        DMatrixRMaj rows = new DMatrixRMaj(cin, n);
        for (int t = 0; t < s; t++) {
            for (int c = 0; c < cin; c++) {
                System.arraycopy(x.data, (c * s + t) * n, rows.data, c * n, n);
            }
            DMatrixRMaj part = mult(ut, rows); // row a is output row (a, t)
            for (int a = 0; a < r; a++) {
                if (!transposed) {
                    System.arraycopy(part.data, a * n, y.data, (a * s + t) * n, n);
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    y.data[j * r * s + a * s + t] = part.data[a * n + j];
                }
            }
        }
        return y;
    }

    static DMatrixRMaj transpose(DMatrixRMaj a) {
        DMatrixRMaj t = new DMatrixRMaj(a.numCols, a.numRows);
        CommonOps_DDRM.transpose(a, t);
        return t;
    }

    static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** [a, b, c] row-major to [b, a, c]: swaps the first two axes of a 3-way array. */
    static double[] swap01(double[] x, int a, int b, int c) {
        double[] y = new double[x.length];
        IntStream.range(0, a).parallel().forEach(i -> {
            for (int j = 0; j < b; j++) {
                System.arraycopy(x, (i * b + j) * c, y, (j * a + i) * c, c);
            }
        });
        return y;
    }

    /** [a, b, c] row-major to [a, c, b]: swaps the last two axes. */
    static double[] swap12(double[] x, int a, int b, int c) {
        double[] y = new double[x.length];
        for (int i = 0; i < a; i++) {
            int base = i * b * c;
            for (int j = 0; j < b; j++) {
                for (int k = 0; k < c; k++) {
                    y[base + k * b + j] = x[base + j * c + k];
                }
            }
        }
        return y;
    }

    static DMatrixRMaj gaussian(int rows, int cols, SplittableRandom random) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = random.nextGaussian();
        }
        return m;
    }

    static double squaredNorm(DMatrixRMaj m) {
        return DenseTensor.squaredNorm(m.data);
    }
}
