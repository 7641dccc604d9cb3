package dev.yard.api;

import dev.yard.api.internal.MnistDigits;
import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.ort.PairedTiming;
import dev.yard.ir.Tensor;
import dev.yard.ir.analysis.RelativeL2;
import dev.yard.passes.fidelity.Budget;
import dev.yard.passes.fidelity.Evaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model and its optimized form run side by side in ONNX Runtime: how far each output moved,
 * the budget's metrics, the built-in LeNet's accuracy, and latency.
 *
 * @param images how many images the models were run on; 0: the built-in LeNet's first digit,
 *     or seeded random inputs
 * @param outputErrors relative L2 error of each output of the result against the input's
 * @param scores each bound of the budget measured on the evaluation images (empty without)
 * @param accuracy correct labels of the built-in LeNet's 62 digits, before and after; null for
 *     other models
 * @param latency medians in milliseconds, timed alternately; null when not asked for
 */
public record Comparison(
        int images, List<OutputError> outputErrors, List<Score> scores, Accuracy accuracy, Latency latency) {

    /** Relative L2 error of one output over all runs together. */
    public record OutputError(String output, double relativeL2) {}

    /** One bound of the budget: the metric's value for the result and whether it holds. */
    public record Score(String metric, double value, String bound, boolean within) {}

    /** Correct labels out of {@code of}, before and after. */
    public record Accuracy(int before, int after, int of) {}

    /** Median latencies in milliseconds with {@code threads} ONNX Runtime threads. */
    public record Latency(double beforeMillis, double afterMillis, int threads) {}

    static Comparison of(
            YardModel input, YardModel result, Optimizer options, List<Path> images, String budget, boolean timed) {
        int threads = options.threads();
        Map<String, String> shapes = options.inputShapes();
        try (OrtSession a = OrtSession.of(input.toOnnx(), threads);
                OrtSession b = OrtSession.of(result.toOnnx(), threads)) {
            List<Map<String, Tensor>> runs = new ArrayList<>();
            Accuracy accuracy = null;
            if (!images.isEmpty()) {
                runs.addAll(Inputs.images(a, images, shapes, options.norm(), "--sample"));
            } else if (input.isBuiltInLeNet()) {
                MnistDigits digits = MnistDigits.load();
                String name = a.inputShapes().keySet().iterator().next();
                Map<String, Tensor> batch = Map.of(name, digits.images());
                Tensor ya = a.run(batch).values().iterator().next();
                Tensor yb = b.run(batch).values().iterator().next();
                accuracy = new Accuracy(digits.correct(ya), digits.correct(yb), digits.labels().length);
                float[] all = digits.images().toFloatArray();
                runs.add(Map.of(name, Tensor.ofFloats(new long[] {1, 1, 28, 28}, Arrays.copyOf(all, 784))));
            } else {
                runs.add(Inputs.random(a, shapes, 42));
            }
            List<Map<String, Tensor>> ya = new ArrayList<>();
            List<Map<String, Tensor>> yb = new ArrayList<>();
            for (Map<String, Tensor> in : runs) {
                ya.add(a.run(in));
                yb.add(b.run(in));
            }
            List<OutputError> errors = new ArrayList<>();
            for (String k : ya.get(0).keySet()) {
                RelativeL2 error = new RelativeL2();
                for (int run = 0; run < ya.size(); run++) {
                    error.add(
                            ya.get(run).get(k).toFloatArray(),
                            yb.get(run).get(k).toFloatArray());
                }
                errors.add(new OutputError(k, error.value()));
            }
            List<Score> scores = new ArrayList<>();
            if (budget != null && !images.isEmpty()) {
                for (Evaluation.Score sc :
                        Budget.parse(budget, null).evaluate(ya, yb).scores()) {
                    scores.add(new Score(
                            sc.bound().metric().text(), sc.value(), sc.bound().text(), sc.usage() <= 1));
                }
            }
            Latency latency = null;
            if (timed) {
                options.progressSink().show("measuring ONNX Runtime latency");
                double[] ms = PairedTiming.medianMillis(a, b, runs.get(0));
                options.progressSink().clear();
                latency = new Latency(ms[0], ms[1], threads);
            }
            return new Comparison(images.size(), List.copyOf(errors), List.copyOf(scores), accuracy, latency);
        }
    }
}
