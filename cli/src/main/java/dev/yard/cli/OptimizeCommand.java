package dev.yard.cli;

import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.backend.ort.OrtCalibration;
import dev.yard.backend.ort.OrtFidelity;
import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.ort.PairedTiming;
import dev.yard.backend.ort.SeededInputs;
import dev.yard.backend.tvm.TvmPreparation;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import dev.yard.ir.analysis.LayerCost;
import dev.yard.ir.analysis.RelativeL2;
import dev.yard.ir.text.OnnxTextPrinter;
import dev.yard.passes.Calibration;
import dev.yard.passes.FidelityOracle;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassManager;
import dev.yard.passes.PassRegistry;
import dev.yard.passes.Pipeline;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModels;
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
    static final String DEFAULT_PIPELINE = dev.yard.passes.Pipeline.DEFAULT;

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

    /**
     * Why not MAC counts, the passes' own default: fewer MACs made LeNet and PP-OCRv3 detection
     * slower in ONNX Runtime. The roofline of a 2-core AVX2 machine is latency-aware and, unlike
     * a measured model, gives the same decisions (and bytes) on every machine.
     */
    static final String DEFAULT_COST_MODEL = "analytic:x86-64-avx2";

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
        if (speedup != null) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--pipeline")) {
                throw YardException.badInput("--speedup sets select-ranks of the default pipeline; with --pipeline, "
                        + "write select-ranks{speedup=X}");
            }
            if (!(speedup > 1) || speedup.isInfinite()) {
                throw YardException.badInput("--speedup: " + speedup + " is not a number above 1");
            }
            pipeline = pipeline.replace("select-ranks", "select-ranks{speedup=" + speedup + "}");
        }
        if (threads < 1 || threads > 256) {
            throw YardException.badInput("--threads " + threads + ": expected 1 to 256");
        }
        Pipeline p = Pipeline.parse(pipeline, PassRegistry.load());
        boolean selects = p.entries().stream().anyMatch(e -> e.name().equals("select-ranks"));
        // Without select-ranks, --budget and --eval choose nothing: the budget's metrics are
        // measured on the evaluation images and reported, to judge a pipeline of fixed ranks.
        boolean judges = selects || !budgets.isEmpty() || evalDir != null;
        if (!selects && judges && noMeasure) {
            throw YardException.badInput("--no-measure: without select-ranks, --budget and --eval only measure the "
                    + "budget's metrics on evaluation images, which --no-measure skips");
        }
        for (String pass : printAfter) {
            if (p.entries().stream().noneMatch(e -> e.name().equals(pass))) {
                throw YardException.badInput("--print-after: '" + pass + "' is not a pass of the pipeline " + p);
            }
        }
        Model model = input == null ? Models.loadDefault() : Models.load(input);
        String source = input == null ? Models.DEFAULT_MODEL_NAME : input.toString();
        Models.checkInputShapes(model, inputShapes, source);
        Models.inferShapes(model);
        byte[] original = OnnxWriter.toBytes(model);
        // The input as it was, for the never-slower check after the pipeline has rewritten model.
        Model input0 = model.copy();
        Counts before = Counts.of(model, inputShapes);

        // Whatever will run the model (measuring, rank selection, calibration) checks first that
        // ONNX Runtime can: what it refuses is bad input naming the file, before any pass.
        if (!noMeasure || selects || !calibrationSource().equals("none")) {
            preflight(model, original, source);
        }
        ClassLoader pluginLoader = Plugins.loader(plugins);
        CostModel costs = CostModels.create(costModel, pluginLoader);
        Calibration cal = calibration(model);
        StatusLine status = StatusLine.forTerminal(spec.commandLine().getErr());
        PassManager.Report report = new PassManager(p)
                .calibrateWith(cal)
                .costModel(costs)
                .costModelsFrom(pluginLoader)
                .shapeHints(shapeHints(model))
                .fidelityWith(selects ? fidelity(model) : null)
                .cacheResultsIn(dev.yard.backend.tvm.TvmToolchain.cacheDir())
                .progressTo(status::show)
                .printAfter(printAfter, printAfterAll, (pass, m) -> {
                    out.println("// ----- IR after " + pass);
                    out.print(OnnxTextPrinter.print(m, OnnxTextPrinter.Options.COMPACT));
                })
                .run(model);
        status.clear();
        Models.inferShapes(model);
        // Never slower on the chosen cost model: a result it prices above the input is dropped.
        NeverSlower check = NeverSlower.compare(input0, model, costs, inputShapes, status);
        if (check.keptInput()) {
            model = input0;
        }
        Counts after = Counts.of(model, inputShapes);

        if (!selects && judges && !builtInDigits()) {
            evalImages(); // names them in evalNote
        }
        out.printf(
                "%s, pipeline %s, cost model %s%s%s%n",
                source,
                p,
                costs.name(),
                cal == null ? "" : ", calibrated on " + calibrationNote,
                selects
                        ? ", budget " + budgetText(model) + " on " + evalNote
                        : judges && !builtInDigits() ? ", measuring " + budgetText(model) + " on " + evalNote : "");
        for (PassManager.PassRun r : report.runs()) {
            out.printf(
                    "  %-16s %s in %.1f ms%n",
                    r.pass(), r.changed() ? "changed the graph" : "no change", r.micros() / 1e3);
        }
        for (PassContext.Remark r : report.remarks()) {
            out.println("  " + r);
        }
        if (check.keptInput()) {
            out.printf(
                    "  kept the input: %s predicts %s for the result, more than the input's %s%n",
                    costs.name(), costs.describe(check.after()), costs.describe(check.before()));
        }
        out.println();
        Table t = new Table();
        t.row("", "before", "after", "change");
        Cost kept = check.keptInput() ? check.before() : check.after();
        t.row(
                "predicted (" + costs.name() + ")",
                costs.describe(check.before()),
                costs.describe(kept),
                ratio(kept.seconds(), check.before().seconds()));
        t.row("nodes", Long.toString(before.nodes), Long.toString(after.nodes), ratio(after.nodes, before.nodes));
        t.row("parameters", group(before.params), group(after.params), ratio(after.params, before.params));
        t.row("MACs", group(before.macs), group(after.macs), ratio(after.macs, before.macs));
        if (!noMeasure) {
            // Judged on the evaluation images rank selection used, when there are any.
            List<Path> judged = samples;
            dev.yard.passes.fidelity.Budget bounds = null;
            if (judges && !builtInDigits()) {
                judged = evalImages();
                bounds = dev.yard.passes.fidelity.Budget.parse(budgetText(model), null);
            }
            new Measurement(threads, inputShapes, spec, !noLatency, judged, Samples.PixelNorm.parse(pixelNorm), bounds)
                    .compare(original, model, input == null, t);
        }
        t.print(out);
        if (output != null) {
            Models.save(model, output, false, false);
            out.println("\nwrote " + output);
        }
        if (reportDir != null) {
            out.println("wrote " + SelectionReport.write(reportDir, source, report.reports(), check));
        }
        return Main.OK;
    }

    /** Static dims of every value at the --input-shape given, by name, for pricing a dynamic model. */
    private Map<String, long[]> shapeHints(Model m) {
        if (inputShapes.isEmpty()) {
            return Map.of();
        }
        Map<String, long[]> hints = new java.util.HashMap<>();
        Model shaped = Models.withInputShapes(m, inputShapes);
        java.util.function.Consumer<dev.yard.ir.Value> add = v -> {
            long[] d = v == null ? null : dev.yard.passes.cost.ModelPricing.staticDims(v);
            if (d != null) {
                hints.put(v.name(), d);
            }
        };
        shaped.graph().inputs().forEach(add);
        shaped.graph().nodes().forEach(n -> n.outputs().forEach(add));
        return hints;
    }

    private String evalNote = "";

    /** The budget rank selection meets: the --budget bounds, else the default for this model. */
    private String budgetText(Model model) {
        if (!budgets.isEmpty()) {
            return String.join(";", budgets);
        }
        if (speedup != null) {
            return "rel-l2<=1";
        }
        return builtInDigits() ? "digits>=1" : "rel-l2<=0.02";
    }

    /**
     * The evaluation inputs rank selection checks its choices on, with the model's outputs on
     * them: the built-in LeNet's 31 odd-numbered digits (never calibrated on), --eval images, a
     * quarter of --calibration's images, --sample images, else seeded random inputs.
     */
    private FidelityOracle fidelity(Model model) {
        Model shaped = Models.withInputShapes(model, inputShapes);
        String budget = budgetText(model);
        if (builtInDigits()) {
            MnistDigits d = MnistDigits.load();
            evalNote = "the 31 odd-numbered digits";
            return new OrtFidelity(
                            shaped,
                            List.of(Map.of(model.graph().inputs().get(0).name(), d.heldOut())),
                            evalNote,
                            d.heldOutLabels())
                    .withBudget(budget);
        }
        try (OrtSession s = OrtSession.of(OnnxWriter.toBytes(shaped), 1)) {
            List<Path> images = evalImages();
            if (!images.isEmpty()) {
                return new OrtFidelity(shaped, imageInputs(model, images, "evaluation"), evalNote, null)
                        .withBudget(budget);
            }
            evalNote = "seeded random inputs";
            return new OrtFidelity(shaped, List.of(Fidelity.randomInputs(s, inputShapes, 11)), evalNote, null)
                    .withBudget(budget);
        }
    }

    /** Evaluation images, by precedence; sets {@link #evalNote}. Empty: none given. */
    private List<Path> evalImages() {
        if (evalDir != null) {
            List<Path> images = Samples.folder(evalDir, "--eval");
            evalNote = images.size() + " images of " + evalDir;
            return images;
        }
        Path cal = calibrationFolder();
        if (cal != null) {
            List<Path> all = Samples.folder(cal, "--calibration");
            if (all.size() < 2) {
                throw YardException.badInput("--calibration " + cal + ": one image cannot be split into calibration "
                        + "and evaluation; add images or give --eval DIR");
            }
            List<Path> held = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (heldOut(i, all.size())) {
                    held.add(all.get(i));
                }
            }
            evalNote = held.size() + " images held out of " + cal;
            return held;
        }
        if (!samples.isEmpty()) {
            evalNote = samples.size() + " sample images";
            return samples;
        }
        return List.of();
    }

    /**
     * Whether image {@code i} of {@code n} (sorted by name) of a --calibration folder is held out
     * for evaluation when no --eval folder is given: every fourth, and the last of fewer than four.
     */
    private static boolean heldOut(int i, int n) {
        return i % 4 == 3 || (n < 4 && i == n - 1);
    }

    /** Whether rank selection judges on the built-in LeNet's labelled digits (no images given). */
    private boolean builtInDigits() {
        return input == null && evalDir == null && calibrationFolder() == null && samples.isEmpty();
    }

    /** The --calibration folder, or null when it names a built-in source. */
    private Path calibrationFolder() {
        return switch (calibration) {
            case "auto", "none", "random", "digits" -> null;
            default -> Path.of(calibration);
        };
    }

    /**
     * Runs the input once in ONNX Runtime before any pass: a model it refuses (an unknown op, an
     * impossible Reshape, dynamic inputs without --input-shape) is the user's to fix, reported
     * now, naming the file, rather than after minutes of passes.
     */
    private void preflight(Model model, byte[] original, String source) {
        Models.checkFitsInMemory(Models.withInputShapes(model, inputShapes), source);
        try (OrtSession s = OrtSession.of(original, threads)) {
            s.run(Fidelity.randomInputs(s, inputShapes, 42));
        } catch (YardException e) {
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new YardException(source + ": " + first, true, e);
        }
    }

    private String calibrationNote = "";

    /** --calibration with auto resolved: the built-in LeNet's digits, else none. */
    private String calibrationSource() {
        return calibration.equals("auto") ? (input == null ? "digits" : "none") : calibration;
    }

    /** The calibration the pipeline gets, or null; sets {@link #calibrationNote} to say on what. */
    private Calibration calibration(Model model) {
        switch (calibrationSource()) {
            case "none" -> {
                return null;
            }
            case "digits" -> {
                MnistDigits d = MnistDigits.load();
                calibrationNote = "the 31 even-numbered of the 62 digits";
                return new OrtCalibration(
                        Map.of(model.graph().inputs().get(0).name(), d.everyOther()), CALIBRATION_SAMPLES, 42);
            }
            case "random" -> {
                calibrationNote = "seeded random inputs";
                try (OrtSession s = OrtSession.of(model, 1)) {
                    return new OrtCalibration(Fidelity.randomInputs(s, inputShapes, 7), CALIBRATION_SAMPLES, 42);
                }
            }
            default -> {
                Path dir = Path.of(calibration);
                if (!java.nio.file.Files.exists(dir)) {
                    throw YardException.badInput("--calibration: '" + calibration + "' is not auto, none, random or "
                            + "a folder of images");
                }
                List<Path> all = Samples.folder(dir, "--calibration");
                List<Path> used = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    boolean held = evalDir == null && heldOut(i, all.size());
                    if (!held || all.size() == 1) {
                        used.add(all.get(i));
                    }
                }
                calibrationNote = used.size() + " images of " + dir;
                return new OrtCalibration(imageInputs(model, used, "--calibration"), CALIBRATION_SAMPLES, 42)
                        .progressTo(StatusLine.forTerminal(spec.commandLine().getErr())::show);
            }
        }
    }

    /**
     * Each image as the model's single input, by name, one map per image (calibration and
     * evaluation run them one at a time); {@code what} names the images in the message.
     */
    private List<Map<String, Tensor>> imageInputs(Model model, List<Path> images, String what) {
        Model shaped = Models.withInputShapes(model, inputShapes);
        try (OrtSession s = OrtSession.of(OnnxWriter.toBytes(shaped), 1)) {
            Map<String, long[]> declared = s.inputShapes();
            if (declared.size() != 1) {
                throw YardException.badInput(
                        what + " images feed models with one input; this one has " + declared.size());
            }
            String name = declared.keySet().iterator().next();
            long[] shape = Fidelity.shape(name, declared.get(name), inputShapes);
            List<Map<String, Tensor>> out = new ArrayList<>();
            for (Path p : images) {
                out.add(Map.of(name, Samples.image(p, shape, Samples.PixelNorm.parse(pixelNorm))));
            }
            return out;
        }
    }

    /** Patches (or rows) sampled per layer for its input covariance. */
    static final int CALIBRATION_SAMPLES = 4096;

    /** Node, parameter and MAC totals of a model. */
    record Counts(long nodes, long params, long macs) {
        /**
         * The totals with the given input shapes (so that layers behind dynamic dimensions
         * count too), taken on a copy: the model itself keeps its dynamic inputs.
         */
        static Counts of(Model m, Map<String, String> inputShapes) {
            if (inputShapes.isEmpty()) {
                return of(m);
            }
            Model copy = Models.withInputShapes(m, inputShapes);
            return of(copy);
        }

        static Counts of(Model m) {
            long params = 0;
            long macs = 0;
            for (Node n : m.graph().nodes()) {
                LayerCost c = LayerCost.of(n);
                params += c.parameters();
                macs += Math.max(0, c.macs());
            }
            return new Counts(m.graph().nodes().size(), params, macs);
        }
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

    /** Runs the original and the optimized model in ONNX Runtime side by side. */
    record Measurement(
            int threads,
            Map<String, String> shapes,
            CommandSpec spec,
            boolean latency,
            List<Path> samples,
            Samples.PixelNorm norm,
            dev.yard.passes.fidelity.Budget budget) {
        void compare(byte[] original, Model optimized, boolean builtIn, Table t) {
            try (OrtSession a = OrtSession.of(original, threads);
                    OrtSession b = OrtSession.of(optimized, threads)) {
                Map<String, Tensor> inputs;
                if (!samples.isEmpty()) {
                    inputs = compareOnSamples(a, b, t);
                } else if (builtIn) {
                    MnistDigits digits = MnistDigits.load();
                    Map<String, Tensor> batch =
                            Map.of(a.inputShapes().keySet().iterator().next(), digits.images());
                    Tensor ya = a.run(batch).values().iterator().next();
                    Tensor yb = b.run(batch).values().iterator().next();
                    int n = digits.labels().length;
                    t.row(
                            "accuracy (" + n + " digits)",
                            digits.correct(ya) + "/" + n,
                            digits.correct(yb) + "/" + n,
                            "");
                    inputs = Map.of(a.inputShapes().keySet().iterator().next(), firstImage(digits.images()));
                    Fidelity.compare(List.of(a.run(inputs)), List.of(b.run(inputs)), "", t);
                } else {
                    inputs = Fidelity.randomInputs(a, shapes, 42);
                    Fidelity.compare(List.of(a.run(inputs)), List.of(b.run(inputs)), "", t);
                }
                if (!latency) {
                    return;
                }
                StatusLine status = StatusLine.forTerminal(spec.commandLine().getErr());
                status.show("measuring ONNX Runtime latency");
                double[] ms = PairedTiming.medianMillis(a, b, inputs);
                double la = ms[0];
                double lb = ms[1];
                status.clear();
                t.row("ORT latency (median, " + threads + " threads)", ms(la), ms(lb), ratio(lb, la));
            }
        }

        /** Fidelity over all samples; returns the first sample's inputs, for timing. */
        private Map<String, Tensor> compareOnSamples(OrtSession a, OrtSession b, Table t) {
            Map<String, long[]> declared = a.inputShapes();
            if (declared.size() != 1) {
                throw YardException.badInput("--sample: the model has " + declared.size() + " inputs; image samples "
                        + "feed models with one");
            }
            String name = declared.keySet().iterator().next();
            long[] shape = Fidelity.shape(name, declared.get(name), shapes);
            List<Map<String, Tensor>> ya = new ArrayList<>();
            List<Map<String, Tensor>> yb = new ArrayList<>();
            Map<String, Tensor> first = null;
            for (Path p : samples) {
                Map<String, Tensor> in = Map.of(name, Samples.image(p, shape, norm));
                first = first == null ? in : first;
                ya.add(a.run(in));
                yb.add(b.run(in));
            }
            String on = " (" + samples.size() + (samples.size() == 1 ? " image" : " images") + ")";
            Fidelity.compare(ya, yb, on, t);
            if (budget != null) {
                for (dev.yard.passes.fidelity.Evaluation.Score sc :
                        budget.evaluate(ya, yb).scores()) {
                    t.row(
                            sc.bound().metric().text() + " against the input" + on,
                            "",
                            String.format(Locale.ROOT, "%.4g", sc.value()),
                            sc.usage() <= 1
                                    ? "within " + sc.bound().text()
                                    : "breaks " + sc.bound().text());
                }
            }
            return first;
        }

        private static Tensor firstImage(Tensor batch) {
            float[] all = batch.toFloatArray();
            return Tensor.ofFloats(new long[] {1, 1, 28, 28}, java.util.Arrays.copyOf(all, 784));
        }

        private static String ms(double v) {
            return String.format(Locale.ROOT, "%.3f ms", v);
        }
    }

    /** Agreement of two models' outputs. */
    static final class Fidelity {
        private Fidelity() {}

        /** The input's shape to measure with: as given, or as declared with a dynamic batch of 1. */
        static long[] shape(String name, long[] declared, Map<String, String> given) {
            if (given.containsKey(name)) {
                return TvmPreparation.inputShape(name, given.get(name));
            }
            long[] s = declared.clone();
            for (int i = 0; i < s.length; i++) {
                if (s[i] < 0 && i == 0) {
                    s[i] = 1;
                } else if (s[i] < 0) {
                    throw YardException.badInput("input '" + name + "' has dynamic dimensions: give " + "--input-shape "
                            + name + "=D,D,... (rank selection and measuring run the model)");
                }
            }
            return s;
        }

        /**
         * Seeded inputs for every tensor input of the session's model, at its shapes (dynamic
         * ones from {@code given}): uniform in [0, 1) for floating-point inputs, random
         * booleans, zeros for integers (valid as indices and sizes).
         */
        static Map<String, Tensor> randomInputs(OrtSession session, Map<String, String> given, long seed) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            session.inputShapes().forEach((name, declared) -> shapes.put(name, shape(name, declared, given)));
            return SeededInputs.of(shapes, session.inputTypes(), seed);
        }

        /** Relative L2 error of each output, over all runs together ({@code a} the reference). */
        static void compare(List<Map<String, Tensor>> a, List<Map<String, Tensor>> b, String on, Table t) {
            for (String k : a.get(0).keySet()) {
                RelativeL2 error = new RelativeL2();
                for (int run = 0; run < a.size(); run++) {
                    error.add(
                            a.get(run).get(k).toFloatArray(), b.get(run).get(k).toFloatArray());
                }
                t.row("output " + k + " rel. L2 error" + on, "", String.format(Locale.ROOT, "%.2e", error.value()), "");
            }
        }
    }
}
