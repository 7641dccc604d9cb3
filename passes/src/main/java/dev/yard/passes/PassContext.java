package dev.yard.passes;

import dev.yard.ir.Node;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.MacCostModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a running pass can tell its caller: remarks about nodes it rewrote or could not
 * rewrite, and why. A requested rewrite that does not apply is never a silent no-op.
 */
public final class PassContext {
    /** One remark: which pass, which node (may be empty), and what it says. */
    public record Remark(String pass, String node, Kind kind, String message) {
        @Override
        public String toString() {
            return pass + ": " + (node.isEmpty() ? "" : node + ": ") + message;
        }
    }

    /** Whether a remark reports a rewrite or a rewrite that was not done. */
    public enum Kind {
        APPLIED,
        SKIPPED,
        NOTE
    }

    private final List<Remark> remarks = new ArrayList<>();
    private String currentPass = "";
    private final Calibration calibration;
    private CostModel costModel;
    private final java.util.function.Consumer<String> progress;

    public PassContext() {
        this(null, null, s -> {});
    }

    /**
     * A context with calibration data (or null), the cost model passes decide by (null: MAC
     * counts) and a sink for progress lines (a terminal's status line).
     */
    public PassContext(Calibration calibration, CostModel costModel, java.util.function.Consumer<String> progress) {
        this.calibration = calibration;
        this.costModel = costModel == null ? new MacCostModel() : costModel;
        this.progress = progress;
    }

    private java.util.Map<String, long[]> shapeHints = java.util.Map.of();
    private FidelityOracle fidelity;

    /** How far a rewritten model strays from the original, or null when no evaluation inputs were given. */
    public FidelityOracle fidelity() {
        return fidelity;
    }

    void fidelity(FidelityOracle oracle) {
        this.fidelity = oracle;
    }

    private java.nio.file.Path resultCache;

    /** Where a pass may keep results between runs (see {@link PassManager#cacheResultsIn}), or null. */
    public java.nio.file.Path resultCache() {
        return resultCache;
    }

    void resultCache(java.nio.file.Path folder) {
        this.resultCache = folder;
    }

    /**
     * A context for trial runs of passes inside a pass: the same calibration, cost model, shape
     * hints and fidelity, remarks of its own (a trial's remarks are not the pipeline's), no progress.
     */
    public PassContext trial() {
        return trial(calibration);
    }

    /** As {@link #trial()}, with {@code calibration} instead of this context's (a pass's cached measurements). */
    public PassContext trial(Calibration calibration) {
        PassContext c = new PassContext(calibration, costModel, s -> {});
        c.shapeHints = shapeHints;
        c.fidelity = fidelity;
        return c;
    }

    private final java.util.Map<String, com.google.gson.JsonElement> reports = new java.util.TreeMap<>();

    /** Records a pass's structured report (rank selection's candidates and choices), by pass name. */
    public void report(com.google.gson.JsonElement report) {
        reports.put(currentPass, report);
    }

    /** The structured reports passes recorded, by pass name. */
    public java.util.Map<String, com.google.gson.JsonElement> reports() {
        return java.util.Collections.unmodifiableMap(reports);
    }

    /**
     * Static dims of values (by name) at the input shapes the caller prices for, where the model
     * itself has dynamic dimensions: cost decisions use them, the graph keeps its dynamic shapes.
     */
    public java.util.Map<String, long[]> shapeHints() {
        return shapeHints;
    }

    /**
     * The static dims of {@code v} to price it at: the graph's when known, else the caller's hint
     * (a symbolic batch counting as 1 either way), else null.
     */
    public long[] pricingDims(dev.yard.ir.Value v) {
        long[] known = dev.yard.passes.cost.ModelPricing.staticDims(v);
        if (known != null) {
            return known;
        }
        dev.yard.ir.Shape s = v == null ? null : v.shape();
        long[] hint = v == null ? null : shapeHints.get(v.name());
        return hint != null && (s == null || hint.length == s.rank()) ? hint : null;
    }

    void shapeHints(java.util.Map<String, long[]> hints) {
        this.shapeHints = java.util.Map.copyOf(hints);
    }

    /** What layers cost on the target: every "is this rewrite worth it" goes through it. */
    public CostModel costModel() {
        return costModel;
    }

    /** Switches the cost model, for the pass that names its own (see {@link OptionSpec#costModel()}). */
    void costModel(CostModel model) {
        this.costModel = model;
    }

    /** Reports what long work is doing now, e.g. "layer 12 of 119"; shown only on a terminal. */
    public void progress(String what) {
        progress.accept(currentPass + ": " + what);
    }

    /** Activation statistics of the model being compiled, or null when no calibration data was given. */
    public Calibration calibration() {
        return calibration;
    }

    void enter(String pass) {
        this.currentPass = pass;
    }

    public void applied(Node node, String message) {
        remarks.add(new Remark(currentPass, node == null ? "" : node.describe(), Kind.APPLIED, message));
    }

    /** A rewrite of the node described (as {@link Node#describe()} gives it) by another pass's run. */
    public void appliedTo(String node, String message) {
        remarks.add(new Remark(currentPass, node, Kind.APPLIED, message));
    }

    /** A node the pass was asked to rewrite but did not, and why. */
    public void skipped(Node node, String reason) {
        remarks.add(new Remark(currentPass, node == null ? "" : node.describe(), Kind.SKIPPED, reason));
    }

    public void note(String message) {
        remarks.add(new Remark(currentPass, "", Kind.NOTE, message));
    }

    public List<Remark> remarks() {
        return Collections.unmodifiableList(remarks);
    }
}
