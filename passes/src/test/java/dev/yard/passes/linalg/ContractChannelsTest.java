package dev.yard.passes.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class ContractChannelsTest {
    @Test
    void equalsTheProductWithTheKroneckerMatrix() {
        SplittableRandom r = new SplittableRandom(5);
        for (int[] shape : new int[][] {{7, 3, 9, 11}, {5, 5, 1, 4}, {40, 12, 4, 130}}) {
            int cin = shape[0];
            int rank = shape[1];
            int s = shape[2];
            int n = shape[3];
            DMatrixRMaj u = Dense.gaussian(cin, rank, r);
            DMatrixRMaj x = Dense.gaussian(cin * s, n, r);
            // (Uᵀ ⊗ I_S) built explicitly: row (a, t), column (c, t) holds U[c, a].
            DMatrixRMaj kron = new DMatrixRMaj(rank * s, cin * s);
            for (int a = 0; a < rank; a++) {
                for (int c = 0; c < cin; c++) {
                    for (int t = 0; t < s; t++) {
                        kron.set(a * s + t, c * s + t, u.get(c, a));
                    }
                }
            }
            DMatrixRMaj want = Dense.mult(kron, x);
            DMatrixRMaj got = Dense.contractChannels(u, x, s);
            DMatrixRMaj gotTransposed = Dense.contractChannelsTransposed(u, x, s);
            assertEquals(want.numCols, gotTransposed.numRows);
            for (int i = 0; i < want.numRows; i++) {
                for (int j = 0; j < want.numCols; j++) {
                    assertEquals(got.get(i, j), gotTransposed.get(j, i), 0, "the same product, transposed");
                }
            }
            assertEquals(want.numRows, got.numRows);
            assertEquals(want.numCols, got.numCols);
            for (int i = 0; i < want.data.length; i++) {
                assertEquals(want.data[i], got.data[i], 1e-12 * (1 + Math.abs(want.data[i])), "shape " + shape[0]);
            }
        }
    }
}
