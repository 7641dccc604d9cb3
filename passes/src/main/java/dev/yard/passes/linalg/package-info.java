/**
 * The numerical core of the decomposition passes: low-rank factorisations of layer weights,
 * independent of the IR (it works on {@link dev.yard.passes.linalg.DenseTensor}, row-major
 * doubles; kernels are OIHW).
 *
 * <ul>
 *   <li>{@link dev.yard.passes.linalg.TruncatedSvd}: exact (Gram + symmetric eigensolver) and
 *       randomized (range finder with power iterations), chosen by a flop model that knows
 *       whether native LAPACK is there; and the calibration-aware variant.</li>
 *   <li>{@link dev.yard.passes.linalg.TuckerTwo} (HOSVD + HOOI),
 *       {@link dev.yard.passes.linalg.WhitenedTuckerTwo},
 *       {@link dev.yard.passes.linalg.BlockTermTucker} (G groups),
 *       {@link dev.yard.passes.linalg.CpAls}, {@link dev.yard.passes.linalg.TensorTrain}.</li>
 *   <li>{@link dev.yard.passes.linalg.Evbmf} and {@link dev.yard.passes.linalg.RankSelection}
 *       for ranks.</li>
 * </ul>
 *
 * <p>Every result carries its factors shaped as the conv weights of its chain (DESIGN.md's
 * factorized-conv family), the achieved relative error measured on those factors, and a
 * {@code reconstruct()} back to the dense weight. Random steps take a seed: same input, same
 * bits on a given machine, library and thread count (EJML's threaded products split rows, never reductions;
 * OpenBLAS splits a given shape the same way on every call).
 *
 * <p><b>Native BLAS/LAPACK first, EJML as the fallback.</b> Every dense kernel goes through
 * {@code Dense}. Large products, Gram matrices (dsyrk), symmetric eigensolves (dsyevd, or
 * dsytrd + dstemr when only the leading vectors are needed), QRs and Cholesky solves run on
 * the system's BLAS and LAPACK through {@code dev.ludovic.netlib}'s JNI bindings when
 * {@link dev.yard.passes.linalg.NativeLinearAlgebra} loads them (on Debian, OpenBLAS from
 * {@code libopenblas0-pthread}); otherwise, or with {@code -Dyard.linalg.native=false}, on
 * EJML, with the same results up to rounding. Small problems stay on EJML even with a
 * native library, so small layers keep the same bits everywhere. Why: EJML's eigensolver and
 * products were what left the SVD, Tucker-2 and TT rows of {@code scripts/bench-decompose}
 * slower than NumPy's LAPACK; OpenBLAS forms the 4096 x 4096 Gram of a 4096 x 25088 Gemm in
 * about 2.5 s and diagonalises it in 3-5 s here, which makes the exact SVD of that layer
 * cheaper than NumPy's and as accurate. The bindings are small (JNI stubs plus pure-Java
 * fallbacks we do not use), load the system's {@code libblas.so.3} / {@code liblapack.so.3}
 * instead of bundling a copy, and report cleanly when those are missing.
 *
 * <p><b>Why EJML (0.44) and not ojAlgo (55.0.1) for the pure-Java path.</b> Measured on this
 * project's 2-core host, median of 3: symmetric eigensolve n=512, ojAlgo 115 ms vs EJML
 * 160 ms; thin SVD 512x4608, 2.4 s vs 3.0 s; Gram of 512x4608, 270 ms vs 330 ms (EJML
 * threaded); but the range-finder product 4096x25088 by 25088x266, EJML threaded 10.0 s vs
 * ojAlgo 14.4 s, and thin QR of 4096x266, EJML 290 ms vs ojAlgo 620 ms. Neither is close to
 * OpenBLAS (12 ms for that Gram), so on EJML speed comes from doing less work (Gram instead of
 * bidiagonalisation, randomized ranges, two MTTKRPs per CP sweep instead of four). The
 * deciding points: EJML's matrices are plain row-major {@code double[]} that wrap our arrays
 * without a copy (ojAlgo stores by column), and its threading is explicit per call, so we
 * choose when threads pay.
 */
package dev.yard.passes.linalg;
