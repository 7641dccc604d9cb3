package dev.yard.api;

import dev.yard.api.internal.MnistDigits;
import dev.yard.api.internal.Models;
import dev.yard.api.internal.NeverSlower;
import dev.yard.api.internal.Plugins;
import dev.yard.api.internal.Samples;
import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.backend.ort.OrtCalibration;
import dev.yard.backend.ort.OrtFidelity;
import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import dev.yard.ir.text.OnnxTextPrinter;
import dev.yard.passes.Calibration;
import dev.yard.passes.FidelityOracle;
import dev.yard.passes.PassManager;
import dev.yard.passes.PassRegistry;
import dev.yard.passes.Pipeline;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The options of one optimization, set fluently, then {@link #optimize(YardModel)}. Defaults
 * are those of {@code yard optimize}: the default pipeline (rank selection under a fidelity
 * budget), the analytic cost model of a 2-core AVX2 machine, no calibration for models other
 * than the built-in LeNet. An optimizer is not shared between threads; each call of
 * {@code optimize} is independent.
 */
public final class Optimizer {
    /** The pipeline used when none is given. */
    public static final String DEFAULT_PIPELINE = Pipeline.DEFAULT;

    /**
     * The cost model used when none is given. Not MAC counts, the passes' own default: fewer MACs
     * made LeNet and PP-OCRv3 detection slower in ONNX Runtime. The roofline of a 2-core AVX2
     * machine is latency-aware and, unlike a measured model, gives the same decisions (and
     * bytes) on every machine.
     */
    public static final String DEFAULT_COST_MODEL = "analytic:x86-64-avx2";

    /** Patches (or rows) sampled per layer for its input covariance. */
    static final int CALIBRATION_SAMPLES = 4096;

    private String pipeline = DEFAULT_PIPELINE;
    private boolean pipelineGiven;
    private String costModel = DEFAULT_COST_MODEL;
    private List<Path> plugins = List.of();
    private List<String> budgets = List.of();
    private Double speedup;
    private String calibration = "auto";
    private Path evalDir;
    private List<Path> samples = List.of();
    private Samples.PixelNorm pixelNorm = new Samples.PixelNorm(0, 255);
    private final Map<String, String> inputShapes = new LinkedHashMap<>();
    private int threads = 2;
    private Path cacheDir;
    private Progress progress = Progress.SILENT;
    private Set<String> printAfter = Set.of();
    private boolean printAfterAll;
    private BiConsumer<String, String> printSink = (pass, text) -> {};
    private boolean preflight;

    private Optimizer() {}

    /** An optimizer with the defaults of {@code yard optimize}. */
    public static Optimizer create() {
        return new Optimizer();
    }

    /** The pass pipeline, e.g. {@code fold-batchnorm,dce} (default {@link #DEFAULT_PIPELINE}). */
    public Optimizer pipeline(String text) {
        this.pipeline = text;
        this.pipelineGiven = true;
        return this;
    }

    /**
     * What passes decide by and the result is checked against: {@code macs},
     * {@code analytic[:TARGET|FILE]}, {@code ort[:threads=N]}, {@code tvm[:...]},
     * {@code table:FILE}, or a plugin's (default {@link #DEFAULT_COST_MODEL}).
     */
    public Optimizer costModel(String spec) {
        this.costModel = spec;
        return this;
    }

    /** Jars of cost-model plugins. */
    public Optimizer plugins(List<Path> jars) {
        this.plugins = List.copyOf(jars);
        return this;
    }

    /**
     * What rank selection must keep on evaluation inputs, all bounds together, e.g.
     * {@code iou>=0.97}, {@code ctc>=0.95}, {@code rel-l2<=0.02} (default: {@code digits>=1}
     * for the built-in LeNet, else {@code rel-l2<=0.02} on every output).
     */
    public Optimizer budget(String... bounds) {
        this.budgets = List.of(bounds);
        return this;
    }

    /** Stop at the most faithful model priced {@code x} times faster than the input. */
    public Optimizer speedup(double x) {
        this.speedup = x;
        return this;
    }

    /**
     * The inputs calibration-aware fitting uses: {@code auto} (the built-in LeNet's digits, else
     * none), {@code none}, {@code random}, or a folder of images.
     */
    public Optimizer calibration(String source) {
        this.calibration = source;
        return this;
    }

    /** A folder of images (PNG, JPEG) to calibrate on. */
    public Optimizer calibration(Path folder) {
        return calibration(folder.toString());
    }

    /** A folder of images rank selection judges fidelity on, never calibrated on. */
    public Optimizer eval(Path folder) {
        this.evalDir = folder;
        return this;
    }

    /** Images to measure fidelity on when no evaluation folder is given. */
    public Optimizer samples(List<Path> images) {
        this.samples = List.copyOf(images);
        return this;
    }

    /** How pixels (0..255) become input values: {@code (pixel - mean) / std} (default 0, 255). */
    public Optimizer pixelNorm(double mean, double std) {
        this.pixelNorm = Samples.PixelNorm.parse(mean + "," + std);
        return this;
    }

    /** {@link #pixelNorm(double, double)} from text {@code "MEAN,STD"}. */
    public Optimizer pixelNorm(String meanComma) {
        this.pixelNorm = Samples.PixelNorm.parse(meanComma);
        return this;
    }

    /** The shape of an input with dynamic dimensions, e.g. {@code ("x", "1,3,320,320")}. */
    public Optimizer inputShape(String input, String dims) {
        inputShapes.put(input, dims);
        return this;
    }

    /** ONNX Runtime threads for measuring (default 2). */
    public Optimizer threads(int n) {
        if (n < 1 || n > 256) {
            throw YardException.badInput("--threads " + n + ": expected 1 to 256");
        }
        this.threads = n;
        return this;
    }

    /**
     * Where fits are kept for the next run of the same model and data (default: the cache folder,
     * {@code YARD_CACHE} or {@code ~/.cache/yard}).
     */
    public Optimizer cacheDir(Path folder) {
        this.cacheDir = folder;
        return this;
    }

    /** Where long work reports what it is doing. */
    public Optimizer progress(Progress p) {
        this.progress = p;
        return this;
    }

    /** The compact textual IR after these passes (or all), handed to {@code sink(pass, text)}. */
    public Optimizer printAfter(Set<String> passes, boolean all, BiConsumer<String, String> sink) {
        this.printAfter = Set.copyOf(passes);
        this.printAfterAll = all;
        this.printSink = sink;
        return this;
    }

    /**
     * Runs the input once in ONNX Runtime before any pass even when the pipeline would not run
     * it, so that a model it refuses fails at once, naming the file (for callers that will
     * {@linkplain Optimization#compare compare} afterwards).
     */
    public Optimizer checkRunsFirst(boolean check) {
        this.preflight = check;
        return this;
    }

    /** The input shapes given, by input name. */
    Map<String, String> inputShapes() {
        return inputShapes;
    }

    int threads() {
        return threads;
    }

    Progress progressSink() {
        return progress;
    }

    Samples.PixelNorm norm() {
        return pixelNorm;
    }

    /**
     * Runs the pipeline on a copy of {@code model}, then keeps the input if the cost model prices
     * the result above it.
     *
     * @throws YardException bad input for bad options or a model ONNX Runtime refuses, naming
     *     the model or option
     */
    public Optimization optimize(YardModel in) {
        String pipelineText = pipeline;
        if (speedup != null) {
            if (pipelineGiven) {
                throw YardException.badInput("--speedup sets select-ranks of the default pipeline; with --pipeline, "
                        + "write select-ranks{speedup=X}");
            }
            if (!(speedup > 1) || speedup.isInfinite()) {
                throw YardException.badInput("--speedup: " + speedup + " is not a number above 1");
            }
            pipelineText = pipelineText.replace("select-ranks", "select-ranks{speedup=" + speedup + "}");
        }
        Pipeline p = Pipeline.parse(pipelineText, PassRegistry.load());
        boolean selects = p.entries().stream().anyMatch(e -> e.name().equals("select-ranks"));
        for (String pass : printAfter) {
            if (p.entries().stream().noneMatch(e -> e.name().equals(pass))) {
                throw YardException.badInput("--print-after: '" + pass + "' is not a pass of the pipeline " + p);
            }
        }
        Run run = new Run(in, selects);
        Model model = in.ir();
        Models.checkInputShapes(model, inputShapes, in.source());
        Models.inferShapes(model);
        // The input as it was, for the never-slower check after the pipeline has rewritten model.
        Model input0 = model.copy();

        // Whatever will run the model (rank selection, calibration) checks first that ONNX
        // Runtime can: what it refuses is bad input naming the file, before any pass.
        if (preflight || selects || !run.calibrationSource().equals("none")) {
            preflight(model, in.source());
        }
        ClassLoader pluginLoader = Plugins.loader(plugins);
        CostModel costs = CostModels.create(costModel, pluginLoader);
        Calibration cal = run.calibration(model);
        PassManager.Report report = new PassManager(p)
                .calibrateWith(cal)
                .costModel(costs)
                .costModelsFrom(pluginLoader)
                .shapeHints(shapeHints(model))
                .fidelityWith(selects ? run.fidelity(model) : null)
                .cacheResultsIn(cacheDir != null ? cacheDir : TvmToolchain.cacheDir())
                .progressTo(progress::show)
                .printAfter(
                        printAfter,
                        printAfterAll,
                        (pass, m) -> printSink.accept(pass, OnnxTextPrinter.print(m, OnnxTextPrinter.Options.COMPACT)))
                .run(model);
        progress.clear();
        Models.inferShapes(model);
        // Never slower on the chosen cost model: a result it prices above the input is dropped.
        NeverSlower check = NeverSlower.compare(input0, model, costs, inputShapes, progress);
        if (check.keptInput()) {
            model = input0;
        }
        List<Path> judged = run.judgedImages(); // names them in evalNote
        return new Optimization(
                this,
                in,
                YardModel.of(model, in.source()),
                p.toString(),
                costs,
                check,
                report,
                selects,
                run.judgedBudget(),
                run.budgetText(),
                run.evalNote,
                cal == null ? null : run.calibrationNote,
                judged);
    }

    /**
     * Runs {@code original} and {@code optimized} side by side in ONNX Runtime as
     * {@link Optimization#compare} does, on the evaluation images these options name (the
     * evaluation folder, the held-out quarter of the calibration folder, or the samples), else
     * on the built-in LeNet's digits or seeded inputs; on images, also the budget's metrics (the
     * budget given, else the default).
     */
    public Comparison compare(YardModel original, YardModel optimized, boolean latency) {
        Run run = new Run(original, true);
        return Comparison.of(original, optimized, this, run.judgedImages(), run.judgedBudget(), latency);
    }

    /** Static dims of every value at the input shapes given, by name, for pricing a dynamic model. */
    private Map<String, long[]> shapeHints(Model m) {
        if (inputShapes.isEmpty()) {
            return Map.of();
        }
        Map<String, long[]> hints = new HashMap<>();
        Model shaped = Models.withInputShapes(m, inputShapes);
        Consumer<dev.yard.ir.Value> add = v -> {
            long[] d = v == null ? null : dev.yard.passes.cost.ModelPricing.staticDims(v);
            if (d != null) {
                hints.put(v.name(), d);
            }
        };
        shaped.graph().inputs().forEach(add);
        shaped.graph().nodes().forEach(n -> n.outputs().forEach(add));
        return hints;
    }

    /**
     * Runs the input once in ONNX Runtime before any pass: a model it refuses (an unknown op, an
     * impossible Reshape, dynamic inputs without an input shape) is the user's to fix, reported
     * now, naming the file, rather than after minutes of passes.
     */
    void preflight(Model model, String source) {
        Models.checkFitsInMemory(Models.withInputShapes(model, inputShapes), source);
        try (OrtSession s = OrtSession.of(OnnxWriter.toBytes(model), threads)) {
            s.run(Inputs.random(s, inputShapes, 42));
        } catch (YardException e) {
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new YardException(source + ": " + first, true, e);
        }
    }

    /** What one call of {@link #optimize} resolved from the options and the model. */
    private final class Run {
        final YardModel in;
        final boolean selects;
        String evalNote = "";
        String calibrationNote = "";

        Run(YardModel in, boolean selects) {
            this.in = in;
            this.selects = selects;
        }

        /**
         * Without select-ranks, a budget and an evaluation folder choose nothing: the budget's
         * metrics are measured on the evaluation images and reported, to judge fixed ranks.
         */
        boolean judges() {
            return selects || !budgets.isEmpty() || evalDir != null;
        }

        /**
         * The images the models are compared on afterwards: the evaluation images when fidelity
         * is judged on images, else the samples (the built-in LeNet is judged on its digits).
         */
        List<Path> judgedImages() {
            return judges() && !builtInDigits() ? evalImages() : samples;
        }

        /** The budget measured on {@link #judgedImages()}, or null when none is. */
        String judgedBudget() {
            return judges() && !builtInDigits() ? budgetText() : null;
        }

        /** The budget rank selection meets: the bounds given, else the default for this model. */
        String budgetText() {
            if (!budgets.isEmpty()) {
                return String.join(";", budgets);
            }
            if (speedup != null) {
                return "rel-l2<=1";
            }
            return builtInDigits() ? "digits>=1" : "rel-l2<=0.02";
        }

        /** Whether rank selection judges on the built-in LeNet's labelled digits (no images given). */
        boolean builtInDigits() {
            return in.isBuiltInLeNet() && evalDir == null && calibrationFolder() == null && samples.isEmpty();
        }

        /** The calibration folder, or null when the source is a built-in one. */
        Path calibrationFolder() {
            return switch (calibration) {
                case "auto", "none", "random", "digits" -> null;
                default -> Path.of(calibration);
            };
        }

        /** The calibration source with auto resolved: the built-in LeNet's digits, else none. */
        String calibrationSource() {
            return calibration.equals("auto") ? (in.isBuiltInLeNet() ? "digits" : "none") : calibration;
        }

        /**
         * The evaluation inputs rank selection checks its choices on, with the model's outputs
         * on them: the built-in LeNet's 31 odd-numbered digits (never calibrated on), evaluation
         * images, a quarter of the calibration images, sample images, else seeded random inputs.
         */
        FidelityOracle fidelity(Model model) {
            Model shaped = Models.withInputShapes(model, inputShapes);
            String budget = budgetText();
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
                return new OrtFidelity(shaped, List.of(Inputs.random(s, inputShapes, 11)), evalNote, null)
                        .withBudget(budget);
            }
        }

        /** Evaluation images, by precedence; sets {@link #evalNote}. Empty: none given. */
        List<Path> evalImages() {
            if (evalDir != null) {
                List<Path> images = Samples.folder(evalDir, "--eval");
                evalNote = images.size() + " images of " + evalDir;
                return images;
            }
            Path cal = calibrationFolder();
            if (cal != null) {
                List<Path> all = Samples.folder(cal, "--calibration");
                if (all.size() < 2) {
                    throw YardException.badInput("--calibration " + cal + ": one image cannot be split into "
                            + "calibration and evaluation; add images or give --eval DIR");
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

        /** The calibration the pipeline gets, or null; sets {@link #calibrationNote} to say on what. */
        Calibration calibration(Model model) {
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
                        return new OrtCalibration(Inputs.random(s, inputShapes, 7), CALIBRATION_SAMPLES, 42);
                    }
                }
                default -> {
                    Path dir = Path.of(calibration);
                    if (!Files.exists(dir)) {
                        throw YardException.badInput("--calibration: '" + calibration + "' is not auto, none, random "
                                + "or a folder of images");
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
                            .progressTo(progress::show);
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
                return Inputs.images(s, images, inputShapes, pixelNorm, what);
            }
        }
    }

    /**
     * Whether image {@code i} of {@code n} (sorted by name) of a calibration folder is held out
     * for evaluation when no evaluation folder is given: every fourth, and the last of fewer than
     * four.
     */
    private static boolean heldOut(int i, int n) {
        return i % 4 == 3 || (n < 4 && i == n - 1);
    }
}
