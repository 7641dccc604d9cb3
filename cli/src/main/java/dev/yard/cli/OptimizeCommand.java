package dev.yard.cli;

import dev.yard.api.Comparison;
import dev.yard.api.ModelStats;
import dev.yard.api.Optimization;
import dev.yard.api.Optimizer;
import dev.yard.api.YardModel;
import dev.yard.ir.YardException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code yard optimize [IN] [-o OUT] [--pipeline P]}: runs a pass pipeline and reports, before
 * and after, parameters, MACs, ONNX Runtime latency and fidelity (accuracy on the bundled
 * digits for the built-in LeNet; agreement with the original on given images or seeded inputs otherwise).
 */
@Command(
        name = "optimize",
        mixinStandardHelpOptions = true,
        description = "Run a pass pipeline on a model and compare it with the original. "
                + "Without IN, optimizes the built-in trained LeNet and measures its accuracy on 62 labelled digits.")
final class OptimizeCommand implements Callable<Integer> {
    /** The pipeline used when none is given. */
    static final String DEFAULT_PIPELINE = Optimizer.DEFAULT_PIPELINE;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IN", description = "Model (.onnx or .onnxtxt).")
    Path input;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "OUT",
            description = "Where to write the result (.onnx or .onnxtxt).")
    Path output;

    @Option(
            names = {"-p", "--pipeline"},
            paramLabel = "P",
            description = "Pass pipeline, e.g. 'fold-batchnorm,dce' " + "(default: ${DEFAULT-VALUE}).",
            defaultValue = DEFAULT_PIPELINE)
    String pipeline;

    @Option(names = "--print-after", paramLabel = "PASS", split = ",", description = "Print the IR after these passes.")
    Set<String> printAfter = Set.of();

    @Option(names = "--print-after-all", description = "Print the IR after every pass.")
    boolean printAfterAll;

    @Option(
            names = "--input-shape",
            paramLabel = "NAME=D,D,...",
            description = "Shape of an input with dynamic " + "dimensions, for measuring (e.g. x=1,3,320,320).")
    Map<String, String> inputShapes = new LinkedHashMap<>();

    /** The cost model used when none is given (see {@link Optimizer#DEFAULT_COST_MODEL}). */
    static final String DEFAULT_COST_MODEL = Optimizer.DEFAULT_COST_MODEL;

    @Option(
            names = "--cost-model",
            paramLabel = "NAME[:ARGS]",
            defaultValue = DEFAULT_COST_MODEL,
            description = "What passes decide by and the result is checked against: macs, analytic[:TARGET|FILE], "
                    + "ort[:threads=N] (measured on this host) (default: ${DEFAULT-VALUE}).")
    String costModel;

    @Option(
            names = "--plugin",
            paramLabel = "JAR",
            description = "A jar of cost-model plugins (also YARD_PLUGINS); " + "repeatable.")
    List<Path> plugins = new ArrayList<>();

    @Option(
            names = "--budget",
            paramLabel = "BOUND",
            description = "What rank selection must keep, on evaluation "
                    + "inputs: iou[:OUT[:T]]>=S (masks), ctc[:OUT]>=S (text recognisers), argmax[:OUT]>=S, digits>=S (the "
                    + "built-in LeNet), rel-l2[:OUT]<=E, or a bare number E for rel-l2<=E; repeatable, all must hold "
                    + "(default: digits>=1 for the built-in LeNet, else rel-l2<=0.02 on every output).")
    List<String> budgets = new ArrayList<>();

    @Option(
            names = "--speedup",
            paramLabel = "X",
            description = "Instead of spending the whole budget, stop at the "
                    + "first model the cost model prices X times faster than the input: the most faithful at that speed. "
                    + "Without --budget, any model whose outputs keep rel-l2<=1 may be chosen.")
    Double speedup;

    @Option(
            names = "--eval",
            paramLabel = "DIR",
            description = "Images (PNG, JPEG) rank selection judges fidelity "
                    + "on, never used for calibration (default: a quarter of --calibration DIR's images, else --sample "
                    + "images, else seeded random inputs).")
    Path evalDir;

    @Option(
            names = "--report",
            paramLabel = "DIR",
            description = "Write rank selection's report.json there: per "
                    + "layer its candidates, their costs and errors, the front and the choice.")
    Path reportDir;

    @Option(
            names = "--threads",
            description = "ONNX Runtime threads for measuring (default: ${DEFAULT-VALUE}).",
            defaultValue = "2")
    int threads;

    @Option(
            names = "--calibration",
            paramLabel = "SOURCE",
            defaultValue = "auto",
            description = "Inputs whose "
                    + "activations calibration-aware fitting uses: auto (the built-in LeNet: 31 of its digits; other models: "
                    + "none), none, random (seeded uniform inputs), or a folder of images (PNG, JPEG), resized to the input "
                    + "and normalised as --pixel-norm. Default: ${DEFAULT-VALUE}.")
    String calibration;

    @Option(
            names = "--sample",
            paramLabel = "IMAGE",
            description = "An image (PNG, JPEG) to measure fidelity on "
                    + "instead of seeded random inputs, resized to the model's input; repeatable.")
    List<Path> samples = new ArrayList<>();

    @Option(
            names = "--pixel-norm",
            paramLabel = "MEAN,STD",
            defaultValue = "0,255",
            description =
                    "How sample "
                            + "pixels (0..255) become input values: (pixel - MEAN) / STD (default: ${DEFAULT-VALUE}, i.e. 0..1).")
    String pixelNorm;

    @Option(names = "--no-measure", description = "Skip running the models; report counts only.")
    boolean noMeasure;

    @Option(names = "--no-latency", description = "Run the models for fidelity, but do not time them.")
    boolean noLatency;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        StatusLine status = StatusLine.forTerminal(spec.commandLine().getErr());
        Optimizer optimizer = Optimizer.create()
                .costModel(costModel)
                .plugins(plugins)
                .budget(budgets.toArray(String[]::new))
                .calibration(calibration)
                .samples(samples)
                .pixelNorm(pixelNorm)
                .threads(threads)
                .checkRunsFirst(!noMeasure)
                .progress(status)
                .printAfter(printAfter, printAfterAll, (pass, text) -> {
                    out.println("// ----- IR after " + pass);
                    out.print(text);
                });
        if (spec.commandLine().getParseResult().hasMatchedOption("--pipeline")) {
            optimizer.pipeline(pipeline);
        }
        if (speedup != null) {
            optimizer.speedup(speedup);
        }
        if (evalDir != null) {
            optimizer.eval(evalDir);
        }
        inputShapes.forEach(optimizer::inputShape);
        boolean judges = !budgets.isEmpty() || evalDir != null;
        if (noMeasure && judges && !pipelineSelects()) {
            throw YardException.badInput("--no-measure: without select-ranks, --budget and --eval only measure the "
                    + "budget's metrics on evaluation images, which --no-measure skips");
        }
        YardModel model = input == null ? YardModel.builtInLeNet() : YardModel.load(input);
        Optimization o = optimizer.optimize(model);

        boolean shownBudget = o.selectsRanks() || (judges && !o.evaluatedOn().isEmpty());
        out.printf(
                "%s, pipeline %s, cost model %s%s%s%n",
                model.source(),
                o.pipeline(),
                o.costModel(),
                o.calibratedOn() == null ? "" : ", calibrated on " + o.calibratedOn(),
                !shownBudget
                        ? ""
                        : (o.selectsRanks() ? ", budget " : ", measuring ") + o.budget() + " on " + o.evaluatedOn());
        for (Optimization.PassRun r : o.passes()) {
            out.printf(
                    "  %-16s %s in %.1f ms%n",
                    r.pass(), r.changed() ? "changed the graph" : "no change", r.micros() / 1e3);
        }
        for (String r : o.remarks()) {
            out.println("  " + r);
        }
        if (o.keptInput()) {
            out.printf(
                    "  kept the input: %s predicts %s for the result, more than the input's %s%n",
                    o.costModel(),
                    o.predictedPipelineOutput().text(),
                    o.predictedInput().text());
        }
        out.println();
        Table t = new Table();
        t.row("", "before", "after", "change");
        t.row(
                "predicted (" + o.costModel() + ")",
                o.predictedInput().text(),
                o.predictedResult().text(),
                ratio(o.predictedResult().seconds(), o.predictedInput().seconds()));
        ModelStats before = o.statsBefore();
        ModelStats after = o.statsAfter();
        t.row(
                "nodes",
                Long.toString(before.nodes()),
                Long.toString(after.nodes()),
                ratio(after.nodes(), before.nodes()));
        t.row(
                "parameters",
                group(before.parameters()),
                group(after.parameters()),
                ratio(after.parameters(), before.parameters()));
        t.row("MACs", group(before.macs()), group(after.macs()), ratio(after.macs(), before.macs()));
        if (!noMeasure) {
            Comparison c = o.compare(!noLatency);
            String on = c.images() == 0 ? "" : " (" + c.images() + (c.images() == 1 ? " image" : " images") + ")";
            if (c.accuracy() != null) {
                Comparison.Accuracy a = c.accuracy();
                t.row("accuracy (" + a.of() + " digits)", a.before() + "/" + a.of(), a.after() + "/" + a.of(), "");
            }
            for (Comparison.OutputError e : c.outputErrors()) {
                t.row(
                        "output " + e.output() + " rel. L2 error" + on,
                        "",
                        String.format(Locale.ROOT, "%.2e", e.relativeL2()),
                        "");
            }
            for (Comparison.Score sc : c.scores()) {
                t.row(
                        sc.metric() + " against the input" + on,
                        "",
                        String.format(Locale.ROOT, "%.4g", sc.value()),
                        (sc.within() ? "within " : "breaks ") + sc.bound());
            }
            if (c.latency() != null) {
                Comparison.Latency l = c.latency();
                t.row(
                        "ORT latency (median, " + l.threads() + " threads)",
                        ms(l.beforeMillis()),
                        ms(l.afterMillis()),
                        ratio(l.afterMillis(), l.beforeMillis()));
            }
        }
        t.print(out);
        if (output != null) {
            o.result().save(output);
            out.println("\nwrote " + output);
        }
        if (reportDir != null) {
            out.println("wrote " + o.writeReport(reportDir));
        }
        return Main.OK;
    }

    /** Whether the pipeline given (or the default) chooses ranks, before any model is read. */
    private boolean pipelineSelects() {
        return speedup != null
                || dev.yard.passes.Pipeline.parse(pipeline, dev.yard.passes.PassRegistry.load()).entries().stream()
                        .anyMatch(e -> e.name().equals("select-ranks"));
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.3f ms", v);
    }

    static String group(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String ratio(double after, double before) {
        if (before == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%+.1f%%", 100.0 * (after - before) / before);
    }

    /** A left-aligned text table. */
    static final class Table {
        private final java.util.List<String[]> rows = new java.util.ArrayList<>();

        void row(String... cells) {
            rows.add(cells);
        }

        void print(PrintWriter out) {
            int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
            int[] w = new int[cols];
            java.util.Arrays.fill(w, 1); // a column of empty cells still needs a width for the format
            for (String[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
            for (String[] r : rows) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < r.length; i++) {
                    String cell = r[i];
                    b.append(i == 0 ? String.format("%-" + w[i] + "s", cell) : String.format("  %" + w[i] + "s", cell));
                }
                out.println(b.toString().stripTrailing());
            }
        }
    }
}
