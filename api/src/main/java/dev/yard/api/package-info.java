/**
 * Yard's Java API: load a model, optimize it under a cost model and a fidelity budget, compare
 * the result with the original, save it.
 *
 * <pre>{@code
 * YardModel model = YardModel.load(Path.of("detector.onnx"));
 * Optimization o = Optimizer.create()
 *         .costModel("ort")
 *         .calibration(Path.of("images/calibration"))
 *         .eval(Path.of("images/eval"))
 *         .budget("iou>=0.97")
 *         .optimize(model);
 * o.result().save(Path.of("detector.fast.onnx"));
 * Comparison c = o.compare(true);
 * }</pre>
 *
 * <p>Errors are {@link dev.yard.ir.YardException}s: {@code isBadInput()} for what the caller
 * gave (a file that is not a model, a bad pipeline or budget), otherwise an internal fault. Every
 * message is one line naming the file or option at fault. The types of this package are the
 * stable surface; {@code dev.yard.api.internal} and the other modules' packages may change.
 */
package dev.yard.api;
