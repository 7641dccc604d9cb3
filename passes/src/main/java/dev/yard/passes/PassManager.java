package dev.yard.passes;

import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.ir.verify.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a {@link Pipeline} over a model: first asks every pass whether it can run with what
 * the pipeline has ({@link PassDefinition#notApplicableTo}); then shape inference before each
 * pass (so passes can rely on types and shapes), each pass in turn, the verifier after every
 * pass that changed the graph, IR dumps after the passes asked for, and (in tests) a check
 * that each pass's claim to have changed the graph or not is true.
 */
public final class PassManager {
    /** How one pass went. */
    public record PassRun(String pass, boolean changed, long micros) {}

    /** The outcome of a whole pipeline: the passes run and the remarks they made. */
    public record Report(
            List<PassRun> runs,
            List<PassContext.Remark> remarks,
            java.util.Map<String, com.google.gson.JsonElement> reports) {}

    private final Pipeline pipeline;
    private Consumer<Model> verifier = Verifier::verify;
    private Function<Model, String> fingerprint;
    private Set<String> printAfter = Set.of();
    private boolean printAfterAll;
    private BiConsumer<String, Model> dump = (pass, m) -> {};
    private Calibration calibration;
    private dev.yard.passes.cost.CostModel costModel;
    private Consumer<String> progress = s -> {};

    public PassManager(Pipeline pipeline) {
        this.pipeline = Objects.requireNonNull(pipeline);
    }

    /** The check run after every pass that changed the graph (default: {@link Verifier#verify}); it throws on a broken graph. */
    public PassManager verifyWith(Consumer<Model> verifier) {
        this.verifier = verifier;
        return this;
    }

    /**
     * Checks each pass's change claim against a fingerprint of the model (such as a hash of
     * its printed text) taken before and after it.
     */
    public PassManager checkChangeClaims(Function<Model, String> fingerprint) {
        this.fingerprint = fingerprint;
        return this;
    }

    /** Gives passes activation statistics from calibration inputs (for calibration-aware fitting). */
    public PassManager calibrateWith(Calibration calibration) {
        this.calibration = calibration;
        return this;
    }

    private java.util.Map<String, long[]> shapeHints = java.util.Map.of();

    /** Static dims by value name for pricing a model with dynamic inputs (see {@link PassContext#shapeHints()}). */
    public PassManager shapeHints(java.util.Map<String, long[]> hints) {
        this.shapeHints = hints;
        return this;
    }

    private java.nio.file.Path resultCache;

    /**
     * A folder where passes may keep results between runs (rank selection's fitted candidates,
     * keyed by the model, the calibration data and the code); null, the default, keeps nothing.
     */
    public PassManager cacheResultsIn(java.nio.file.Path folder) {
        this.resultCache = folder;
        return this;
    }

    private FidelityOracle fidelity;

    /** What rank selection checks choices against (evaluation inputs run by a backend). */
    public PassManager fidelityWith(FidelityOracle oracle) {
        this.fidelity = oracle;
        return this;
    }

    /** The cost model passes decide by (default: MAC counts). */
    public PassManager costModel(dev.yard.passes.cost.CostModel costModel) {
        this.costModel = costModel;
        return this;
    }

    /** Where passes report progress of long work (the CLI shows it on a terminal only). */
    public PassManager progressTo(Consumer<String> progress) {
        this.progress = progress;
        return this;
    }

    /** Dumps the model after the named passes (or all) to {@code dump}. */
    public PassManager printAfter(Set<String> passes, boolean all, BiConsumer<String, Model> dump) {
        this.printAfter = Set.copyOf(passes);
        this.printAfterAll = all;
        this.dump = dump;
        return this;
    }

    private ClassLoader costModelLoader = PassManager.class.getClassLoader();

    /** Where the cost models that passes name in their {@code cost-model} option are looked up (plugins). */
    public PassManager costModelsFrom(ClassLoader loader) {
        this.costModelLoader = loader;
        return this;
    }

    public Report run(Model model) {
        PipelineState state = new PipelineState(calibration != null, fidelity != null);
        for (Pipeline.Entry e : pipeline.entries()) {
            String why = e.definition().notApplicableTo(e.options(), state);
            if (why != null) {
                throw YardException.badInput("pass " + e + ": " + why);
            }
        }
        PassContext context = new PassContext(calibration, costModel, progress);
        dev.yard.passes.cost.CostModel pipelineCosts = context.costModel();
        java.util.Map<String, dev.yard.passes.cost.CostModel> named = new java.util.HashMap<>();
        context.shapeHints(shapeHints);
        context.fidelity(fidelity);
        context.resultCache(resultCache);
        List<PassRun> runs = new ArrayList<>();
        for (Pipeline.Entry e : pipeline.entries()) {
            context.enter(e.name());
            String spec = e.options().given().get(OptionSpec.COST_MODEL);
            context.costModel(
                    spec == null
                            ? pipelineCosts
                            : named.computeIfAbsent(
                                    spec,
                                    k -> dev.yard.passes.cost.CostModels.create(
                                            k,
                                            costModelLoader,
                                            e.name() + "{" + OptionSpec.COST_MODEL + "=" + k + "}")));
            // Types and shapes are an analysis kept fresh for every pass, so passes may rely on
            // them; the fingerprint is taken after, so inference is not counted as a change.
            ShapeInference.infer(model);
            String before = fingerprint == null ? null : fingerprint.apply(model);
            long t0 = System.nanoTime();
            boolean changed = e.create().run(model, context);
            long micros = (System.nanoTime() - t0) / 1000;
            if (fingerprint != null) {
                boolean reallyChanged = !before.equals(fingerprint.apply(model));
                if (reallyChanged != changed) {
                    throw new YardException(
                            "pass " + e + " said it " + (changed ? "changed" : "did not change") + " the graph, but it "
                                    + (reallyChanged ? "did" : "did not"),
                            false);
                }
            }
            if (changed) {
                try {
                    verifier.accept(model);
                } catch (YardException ex) {
                    throw new YardException("after pass " + e + ": the graph is broken: " + ex.getMessage(), false, ex);
                }
            }
            runs.add(new PassRun(e.name(), changed, micros));
            if (printAfterAll || printAfter.contains(e.name())) {
                dump.accept(e.toString(), model);
            }
        }
        return new Report(runs, context.remarks(), context.reports());
    }
}
