package dev.yard.passes.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.ejml.data.DMatrixRMaj;
import org.netlib.util.booleanW;
import org.netlib.util.intW;

/**
 * {@link Dense}'s kernels on native BLAS and LAPACK. Both are column-major; a row-major
 * r x c array is the column-major c x r transpose with leading dimension c, so products are
 * computed as Cᵀ = Bᵀ Aᵀ with no copies, and symmetric matrices need no conversion at all.
 * Only {@link Dense} calls these, and only when {@link NativeLinearAlgebra#enabled()}.
 */
final class NativeKernels {
    private NativeKernels() {}

    private static BLAS blas() {
        return NativeLinearAlgebra.blas();
    }

    private static LAPACK lapack() {
        return NativeLinearAlgebra.lapack();
    }

    /** a b. */
    static DMatrixRMaj mult(DMatrixRMaj a, DMatrixRMaj b) {
        int m = a.numRows, k = a.numCols, n = b.numCols;
        DMatrixRMaj c = new DMatrixRMaj(m, n);
        blas().dgemm(
                        "N",
                        "N",
                        n,
                        m,
                        k,
                        1.0,
                        b.data,
                        Math.max(1, n),
                        a.data,
                        Math.max(1, k),
                        0.0,
                        c.data,
                        Math.max(1, n));
        return c;
    }

    /** aᵀ b. */
    static DMatrixRMaj multTransA(DMatrixRMaj a, DMatrixRMaj b) {
        int k = a.numRows, m = a.numCols, n = b.numCols;
        DMatrixRMaj c = new DMatrixRMaj(m, n);
        blas().dgemm(
                        "N",
                        "T",
                        n,
                        m,
                        k,
                        1.0,
                        b.data,
                        Math.max(1, n),
                        a.data,
                        Math.max(1, m),
                        0.0,
                        c.data,
                        Math.max(1, n));
        return c;
    }

    /** a bᵀ. */
    static DMatrixRMaj multTransB(DMatrixRMaj a, DMatrixRMaj b) {
        int m = a.numRows, k = a.numCols, n = b.numRows;
        DMatrixRMaj c = new DMatrixRMaj(m, n);
        blas().dgemm(
                        "T",
                        "N",
                        n,
                        m,
                        k,
                        1.0,
                        b.data,
                        Math.max(1, k),
                        a.data,
                        Math.max(1, k),
                        0.0,
                        c.data,
                        Math.max(1, n));
        return c;
    }

    /** a aᵀ, both triangles filled. */
    static DMatrixRMaj rowGram(DMatrixRMaj a) {
        int m = a.numRows, k = a.numCols;
        DMatrixRMaj c = new DMatrixRMaj(m, m);
        // The buffer of a is aᵀ (k x m) column-major: a aᵀ = (aᵀ)ᵀ (aᵀ).
        blas().dsyrk("U", "T", m, k, 1.0, a.data, Math.max(1, k), 0.0, c.data, Math.max(1, m));
        mirrorUpper(c);
        return c;
    }

    /** aᵀ a, both triangles filled. */
    static DMatrixRMaj columnGram(DMatrixRMaj a) {
        int k = a.numRows, n = a.numCols;
        DMatrixRMaj c = new DMatrixRMaj(n, n);
        blas().dsyrk("U", "N", n, k, 1.0, a.data, Math.max(1, n), 0.0, c.data, Math.max(1, n));
        mirrorUpper(c);
        return c;
    }

    /**
     * Eigenpairs of a symmetric matrix by divide and conquer (dsyevd), in LAPACK's order:
     * values ascending, vector j in {@code vectors[j n, (j+1) n)}. Reads one triangle only.
     */
    static double[][] symmetricEigen(DMatrixRMaj s, boolean wantVectors) {
        int n = s.numRows;
        double[] z = s.data.clone();
        double[] w = new double[n];
        String job = wantVectors ? "V" : "N";
        intW info = new intW(0);
        double[] workSize = new double[1];
        int[] iworkSize = new int[1];
        lapack().dsyevd(job, "L", n, z, n, w, workSize, -1, iworkSize, -1, info);
        check("dsyevd workspace query", info);
        double[] work = new double[(int) workSize[0]];
        int[] iwork = new int[Math.max(1, iworkSize[0])];
        lapack().dsyevd(job, "L", n, z, n, w, work, work.length, iwork, iwork.length, info);
        check("dsyevd (n=" + n + ")", info);
        return new double[][] {w, wantVectors ? z : null};
    }

    /**
     * All eigenvalues of a symmetric matrix and the eigenvectors of the k largest, for less
     * than a full solve: one tridiagonal reduction (dsytrd), all values from it (dsterf),
     * k vectors of the tridiagonal by MRRR (dstemr), mapped back by the reduction's reflectors
     * (dormtr). Returns values ascending and the k vectors, ascending too, as in
     * {@link #symmetricEigen}.
     */
    static double[][] leadingEigen(DMatrixRMaj s, int k) {
        int n = s.numRows;
        double[] a = s.data.clone();
        double[] d = new double[n];
        double[] e = new double[n]; // dstemr wants n, dsytrd fills n - 1
        double[] tau = new double[Math.max(1, n - 1)];
        intW info = new intW(0);
        double[] size = new double[1];
        lapack().dsytrd("L", n, a, n, d, e, tau, size, -1, info);
        check("dsytrd workspace query", info);
        double[] work = new double[Math.max(1, (int) size[0])];
        lapack().dsytrd("L", n, a, n, d, e, tau, work, work.length, info);
        check("dsytrd (n=" + n + ")", info);

        double[] values = d.clone();
        lapack().dsterf(n, values, e.clone(), info);
        check("dsterf", info);

        intW found = new intW(0);
        double[] w = new double[n];
        double[] z = new double[n * k];
        int[] support = new int[2 * n];
        booleanW tryRelativeAccuracy = new booleanW(true);
        int[] iSize = new int[1];
        lapack().dstemr(
                        "V",
                        "I",
                        n,
                        d,
                        e,
                        0,
                        0,
                        n - k + 1,
                        n,
                        found,
                        w,
                        z,
                        n,
                        k,
                        support,
                        tryRelativeAccuracy,
                        size,
                        -1,
                        iSize,
                        -1,
                        info);
        check("dstemr workspace query", info);
        double[] stemrWork = new double[Math.max(1, (int) size[0])];
        int[] stemrIwork = new int[Math.max(1, iSize[0])];
        lapack().dstemr(
                        "V",
                        "I",
                        n,
                        d,
                        e,
                        0,
                        0,
                        n - k + 1,
                        n,
                        found,
                        w,
                        z,
                        n,
                        k,
                        support,
                        tryRelativeAccuracy,
                        stemrWork,
                        stemrWork.length,
                        stemrIwork,
                        stemrIwork.length,
                        info);
        check("dstemr (n=" + n + ", k=" + k + ")", info);
        if (found.val != k) {
            throw new ArithmeticException("dstemr found " + found.val + " of " + k + " eigenvectors");
        }

        lapack().dormtr("L", "L", "N", n, k, a, n, tau, z, n, size, -1, info);
        check("dormtr workspace query", info);
        if (size[0] > work.length) {
            work = new double[(int) size[0]];
        }
        lapack().dormtr("L", "L", "N", n, k, a, n, tau, z, n, work, work.length, info);
        check("dormtr", info);
        return new double[][] {values, z};
    }

    /** Thin Q of a Householder QR (dgeqrf, dorgqr); a has at least as many rows as columns. */
    static DMatrixRMaj orthonormalColumns(DMatrixRMaj a) {
        int m = a.numRows, l = a.numCols;
        double[] q = Dense.transpose(a).data; // column-major m x l
        double[] tau = new double[l];
        intW info = new intW(0);
        double[] size = new double[1];
        lapack().dgeqrf(m, l, q, m, tau, size, -1, info);
        check("dgeqrf workspace query", info);
        double[] work = new double[Math.max(1, (int) size[0])];
        lapack().dgeqrf(m, l, q, m, tau, work, work.length, info);
        check("dgeqrf", info);
        lapack().dorgqr(m, l, l, q, m, tau, size, -1, info);
        check("dorgqr workspace query", info);
        if (size[0] > work.length) {
            work = new double[(int) size[0]];
        }
        lapack().dorgqr(m, l, l, q, m, tau, work, work.length, info);
        check("dorgqr", info);
        return Dense.transpose(Dense.wrap(l, m, q));
    }

    /**
     * x with x s = b by Cholesky (dposv), s symmetric; null when s is not positive definite.
     * Row-major b (r x n) is bᵀ column-major, which is the right-hand side of s xᵀ = bᵀ.
     */
    static DMatrixRMaj solveRightSymmetricPositiveInPlace(DMatrixRMaj b, double[] factor) {
        int n = b.numCols;
        double[] x = b.data.clone();
        intW info = new intW(0);
        lapack().dposv("L", n, b.numRows, factor, n, x, n, info);
        if (info.val > 0) {
            return null;
        }
        check("dposv", info);
        return Dense.wrap(b.numRows, n, x);
    }

    private static void mirrorUpper(DMatrixRMaj c) {
        int n = c.numRows;
        double[] d = c.data;
        // Column-major upper triangle = row-major lower triangle: copy it to the other side.
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                d[i * n + j] = d[j * n + i];
            }
        }
    }

    private static void check(String routine, intW info) {
        if (info.val != 0) {
            throw new ArithmeticException(routine + " failed: info=" + info.val);
        }
    }
}
