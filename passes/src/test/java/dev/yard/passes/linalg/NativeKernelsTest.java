package dev.yard.passes.linalg;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kernel {@link Dense} sends to native BLAS/LAPACK agrees with its EJML counterpart. */
class NativeKernelsTest {
    private final SplittableRandom random = new SplittableRandom(41);

    @BeforeEach
    void needsNativeCode() {
        assumeTrue(NativeLinearAlgebra.available(), NativeLinearAlgebra.description());
    }

    @Test
    void reportsTheLoadedLibrary() {
        assertTrue(NativeLinearAlgebra.description().startsWith("native"), NativeLinearAlgebra.description());
    }

    @Test
    void productsAndGramsAgree() {
        // Odd sizes, all above the native threshold, so that a swapped dimension shows.
        DMatrixRMaj a = Dense.gaussian(97, 131, random);
        DMatrixRMaj b = Dense.gaussian(131, 73, random);
        DMatrixRMaj c = Dense.gaussian(97, 73, random);
        DMatrixRMaj d = Dense.gaussian(59, 131, random);
        assertAgree(() -> Dense.mult(a, b), 1e-13);
        assertAgree(() -> Dense.multTransA(a, c), 1e-13);
        assertAgree(() -> Dense.multTransB(a, d), 1e-13);
        assertAgree(() -> Dense.rowGram(a), 1e-13);
        assertAgree(() -> Dense.columnGram(a), 1e-13);
        DMatrixRMaj g = Dense.rowGram(a);
        for (int i = 0; i < g.numRows; i++) {
            for (int j = 0; j < g.numCols; j++) {
                assertEquals(g.get(i, j), g.get(j, i), 0.0, "symmetric to the bit");
            }
        }
    }

    @Test
    void eigenpairsAgreeAfterOrderingAndSignFixing() {
        DMatrixRMaj s = Dense.columnGram(Dense.gaussian(300, 120, random)); // well separated spectrum
        Dense.Eigen nat = Dense.symmetricEigen(s);
        Dense.Eigen java = NativeLinearAlgebra.withPureJava(() -> Dense.symmetricEigen(s));
        assertClose(java.values(), nat.values(), 1e-11);
        assertClose(java.vectors().data, nat.vectors().data, 1e-8);
        assertClose(nat.values(), Dense.symmetricEigenvalues(s), 1e-11);
        assertClose(java.values(), NativeLinearAlgebra.withPureJava(() -> Dense.symmetricEigenvalues(s)), 1e-11);
        for (int i = 1; i < nat.values().length; i++) {
            assertTrue(nat.values()[i - 1] >= nat.values()[i], "descending");
        }
    }

    @Test
    void leadingEigenpairsAgreeWithTheFullSolve() {
        int n = Dense.PARTIAL_EIGEN_MIN_ORDER + 88;
        int k = (int) (n * Dense.PARTIAL_EIGEN_FRACTION); // the partial native solve
        DMatrixRMaj s = Dense.rowGram(Dense.gaussian(n, n + 150, random));
        Dense.Eigen part = Dense.leadingEigen(s, k);
        Dense.Eigen full = NativeLinearAlgebra.withPureJava(() -> Dense.symmetricEigen(s));
        assertEquals(k, part.vectors().numCols);
        assertClose(full.values(), part.values(), 1e-11);
        assertClose(full.leading(k).data, part.leading(k).data, 1e-8);
        assertClose(full.leading(7).data, part.leading(7).data, 1e-8);
        assertArrayEquals(part.vectors().data, Dense.leadingEigen(s, k).vectors().data, "deterministic");
    }

    @Test
    void orthonormalColumnsSpanTheSameSpace() {
        DMatrixRMaj a = Dense.gaussian(400, 40, random);
        DMatrixRMaj q = Dense.orthonormalColumns(a);
        DMatrixRMaj qJava = NativeLinearAlgebra.withPureJava(() -> Dense.orthonormalColumns(a));
        DMatrixRMaj qtq = NativeLinearAlgebra.withPureJava(() -> Dense.multTransA(q, q));
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 40; j++) {
                assertEquals(i == j ? 1 : 0, qtq.get(i, j), 1e-13);
            }
        }
        // Same projector Q Qᵀ, whatever signs each QR chose for its columns.
        DMatrixRMaj p = NativeLinearAlgebra.withPureJava(() -> Dense.multTransB(q, q));
        DMatrixRMaj pJava = NativeLinearAlgebra.withPureJava(() -> Dense.multTransB(qJava, qJava));
        assertClose(pJava.data, p.data, 1e-12);
    }

    @Test
    void symmetricSolveAgreesAndFallsBackWhenNotPositiveDefinite() {
        DMatrixRMaj s = Dense.columnGram(Dense.gaussian(200, 90, random));
        DMatrixRMaj b = Dense.gaussian(70, 90, random);
        assertAgree(() -> Dense.solveRightSymmetric(b, s, 1e-9), 1e-9);
        // Rank 40 of 90: Cholesky fails without damping, and the least-squares fallback answers.
        DMatrixRMaj singular = Dense.columnGram(Dense.gaussian(40, 90, random));
        DMatrixRMaj x = Dense.solveRightSymmetric(b, singular, 0);
        assertTrue(Dense.allFinite(x.data));
    }

    @Test
    void nativeKernelsAreDeterministic() {
        DMatrixRMaj a = Dense.gaussian(256, 300, random);
        assertArrayEquals(Dense.rowGram(a).data, Dense.rowGram(a).data);
        assertArrayEquals(
                Dense.symmetricEigen(Dense.rowGram(a)).vectors().data,
                Dense.symmetricEigen(Dense.rowGram(a)).vectors().data);
        assertArrayEquals(
                Dense.orthonormalColumns(Dense.transpose(a)).data, Dense.orthonormalColumns(Dense.transpose(a)).data);
    }

    @Test
    void smallProblemsStayOnEjmlForTheSameBitsEverywhere() {
        DMatrixRMaj a = Dense.gaussian(16, 40, random);
        DMatrixRMaj b = Dense.gaussian(40, 12, random);
        assertArrayEquals(NativeLinearAlgebra.withPureJava(() -> Dense.mult(a, b)).data, Dense.mult(a, b).data);
        DMatrixRMaj s = Dense.rowGram(a);
        assertArrayEquals(
                NativeLinearAlgebra.withPureJava(() -> Dense.symmetricEigen(s)).vectors().data,
                Dense.symmetricEigen(s).vectors().data);
    }

    private static void assertAgree(Supplier<DMatrixRMaj> kernel, double tolerance) {
        DMatrixRMaj nat = kernel.get();
        DMatrixRMaj java = NativeLinearAlgebra.withPureJava(kernel);
        assertEquals(java.numRows, nat.numRows);
        assertEquals(java.numCols, nat.numCols);
        assertClose(java.data, nat.data, tolerance);
    }

    /** Max-norm difference relative to the largest entry of the reference. */
    static void assertClose(double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        double scale = 0, diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(
                diff <= tolerance * Math.max(scale, Double.MIN_NORMAL),
                "max difference " + diff + " vs scale " + scale);
    }
}
