/**
 * The numerical core of the decomposition passes: low-rank factorisations of layer weights,
 * independent of the IR (it works on {@link dev.yard.passes.linalg.DenseTensor}, row-major
 * doubles; kernels are OIHW).
 *
 * <ul>
 *   <li>{@link dev.yard.passes.linalg.TruncatedSvd}: exact (Gram + symmetric eigensolver) and
 *       randomized (range finder with power iterations), chosen by a flop model; and the
 *       calibration-aware variant.</li>
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
 * bits (EJML's threaded products split rows, never reductions, so threads do not change bits).
 *
 * <p><b>Why EJML (0.44) and not ojAlgo (55.0.1).</b> Measured on this project's 2-core host,
 * median of 3: symmetric eigensolve n=512, ojAlgo 115 ms vs EJML 160 ms; thin SVD 512x4608,
 * 2.4 s vs 3.0 s; Gram of 512x4608, 270 ms vs 330 ms (EJML threaded); but the range-finder
 * product 4096x25088 by 25088x266, EJML threaded 10.0 s vs ojAlgo 14.4 s, and thin QR of
 * 4096x266, EJML 290 ms vs ojAlgo 620 ms. Neither is close to OpenBLAS (12 ms for that Gram),
 * so speed comes from doing less work (Gram instead of bidiagonalisation, randomized ranges,
 * two MTTKRPs per CP sweep instead of four). The deciding points: EJML's matrices are plain
 * row-major {@code double[]} that wrap our arrays without a copy (ojAlgo stores by column),
 * and its threading is explicit per call, so we choose when threads pay.
 */
package dev.yard.passes.linalg;
