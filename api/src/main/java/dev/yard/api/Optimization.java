package dev.yard.api;

import dev.yard.api.internal.NeverSlower;
import dev.yard.api.internal.SelectionReport;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassManager;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Optimizer#optimize} did: the result (the input itself when the cost model priced
 * the pipeline's output above it), what each pass did and said, the predicted costs, and how to
 * compare the result with the input or write the selection report.
 */
public final class Optimization {
    /** How one pass went: whether it changed the graph, and how long it took. */
    public record PassRun(String pass, boolean changed, long micros) {}

    /** A cost model's price of a whole model: seconds, whether measured, and its own wording. */
    public record Prediction(double seconds, boolean measured, String text) {}

    private final Optimizer options;
    private final YardModel input;
    private final YardModel result;
    private final String pipeline;
    private final CostModel costs;
    private final NeverSlower check;
    private final PassManager.Report report;
    private final boolean selects;
    private final String judgedBudget;
    private final String budget;
    private final String evaluatedOn;
    private final String calibratedOn;
    private final List<Path> judged;

    Optimization(
            Optimizer options,
            YardModel input,
            YardModel result,
            String pipeline,
            CostModel costs,
            NeverSlower check,
            PassManager.Report report,
            boolean selects,
            String judgedBudget,
            String budget,
            String evaluatedOn,
            String calibratedOn,
            List<Path> judged) {
        this.options = options;
        this.input = input;
        this.result = result;
        this.pipeline = pipeline;
        this.costs = costs;
        this.check = check;
        this.report = report;
        this.selects = selects;
        this.judgedBudget = judgedBudget;
        this.budget = budget;
        this.evaluatedOn = evaluatedOn;
        this.calibratedOn = calibratedOn;
        this.judged = judged;
    }

    /** The model optimized. */
    public YardModel input() {
        return input;
    }

    /** The optimized model: the pipeline's output, or the input when that was priced above it. */
    public YardModel result() {
        return result;
    }

    /** Whether the input was kept because the cost model priced the pipeline's output above it. */
    public boolean keptInput() {
        return check.keptInput();
    }

    /** The pipeline run, as text. */
    public String pipeline() {
        return pipeline;
    }

    /** The cost model's name. */
    public String costModel() {
        return costs.name();
    }

    /** The input's price. */
    public Prediction predictedInput() {
        return prediction(check.before());
    }

    /** The price of what the pipeline produced (kept or not). */
    public Prediction predictedPipelineOutput() {
        return prediction(check.after());
    }

    /** The price of {@link #result()}. */
    public Prediction predictedResult() {
        return prediction(check.keptInput() ? check.before() : check.after());
    }

    private Prediction prediction(Cost c) {
        return new Prediction(c.seconds(), c.measured(), costs.describe(c));
    }

    /** Whether the pipeline chose ranks under the budget ({@code select-ranks}). */
    public boolean selectsRanks() {
        return selects;
    }

    /** The fidelity budget in effect (given or default), e.g. {@code iou>=0.97}. */
    public String budget() {
        return budget;
    }

    /** What fidelity was judged on, e.g. "8 images of eval/"; empty when nothing was. */
    public String evaluatedOn() {
        return evaluatedOn;
    }

    /** What the fitting was calibrated on, or null when it was not. */
    public String calibratedOn() {
        return calibratedOn;
    }

    /** Each pass in order. */
    public List<PassRun> passes() {
        return report.runs().stream()
                .map(r -> new PassRun(r.pass(), r.changed(), r.micros()))
                .toList();
    }

    /** What the passes said: each skipped layer with why, each choice, each note. */
    public List<String> remarks() {
        return report.remarks().stream().map(PassContext.Remark::toString).toList();
    }

    /**
     * The passes' notes on the whole run, without the per-layer remarks: what rank selection
     * chose or why it kept the input, whether fits were read from an earlier run.
     */
    public List<String> notes() {
        return report.remarks().stream()
                .filter(r -> r.kind() == PassContext.Kind.NOTE && r.node().isEmpty())
                .map(PassContext.Remark::toString)
                .toList();
    }

    /** Nodes, parameters and MACs of the input (at the input shapes given). */
    public ModelStats statsBefore() {
        return input.stats(options.inputShapes());
    }

    /** Nodes, parameters and MACs of the result (at the input shapes given). */
    public ModelStats statsAfter() {
        return result.stats(options.inputShapes());
    }

    /**
     * Writes rank selection's report, {@code dir/report.json} and {@code dir/report.html}, each
     * atomically; returns the path of the JSON file. Same input and options, same bytes.
     */
    public Path writeReport(Path dir) {
        return SelectionReport.write(dir, input.source(), report.reports(), check);
    }

    /**
     * Runs the input and the result in ONNX Runtime: their agreement on the evaluation images
     * (the budget's metrics too), or on the built-in LeNet's digits, or on seeded inputs; with
     * {@code latency}, also their medians timed alternately.
     */
    public Comparison compare(boolean latency) {
        return Comparison.of(input, result, options, judged, judgedBudget, latency);
    }
}
