package dev.yard.backend.ort;

import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.passes.FidelityOracle;
import dev.yard.passes.fidelity.Budget;
import dev.yard.passes.fidelity.Evaluation;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fidelity by running models in ONNX Runtime on evaluation inputs: the original's outputs are
 * computed once, and each candidate is scored against them on the budget's metrics. Runs are
 * unoptimized on a fixed number of threads, so that the same candidate gets the same scores,
 * and the same choice, on every machine (see {@link OrtSession#unoptimized(byte[], int)}).
 */
public final class OrtFidelity implements FidelityOracle {
    private static final int THREADS = OrtCalibration.THREADS;

    private final List<Map<String, Tensor>> inputs;
    /** The original model as written, to run again when its outputs were let go. */
    private final byte[] original;
    /**
     * The original's outputs on each input, let go when the heap runs short (IS-Net's take
     * 950 MB on 8 images) and computed again, to the same bits, when next needed.
     */
    private SoftReference<List<Map<String, Tensor>>> expected = new SoftReference<>(null);

    private final String what;
    private final int[] labels;
    private String budget = "rel-l2<=0.02";

    /** The original model and the evaluation inputs (each a map from input name to tensor); {@code what} names them. */
    public OrtFidelity(Model original, List<Map<String, Tensor>> inputs, String what) {
        this(original, inputs, what, null);
    }

    /** As above, with the inputs' labels (one per row of the first output), for accuracy metrics. */
    public OrtFidelity(Model original, List<Map<String, Tensor>> inputs, String what, int[] labels) {
        this.inputs = List.copyOf(inputs);
        this.what = what;
        this.labels = labels == null ? null : labels.clone();
        this.original = OnnxWriter.toBytes(original);
        expected();
    }

    /** Lets the original's outputs go; the next evaluation runs the original again, to the same bits. */
    @Override
    public void release() {
        expected = new SoftReference<>(null);
    }

    /** The original's outputs on each evaluation input. */
    public List<Map<String, Tensor>> expected() {
        List<Map<String, Tensor>> e = expected.get();
        if (e == null) {
            e = new ArrayList<>();
            try (OrtSession s = OrtSession.unoptimized(original, THREADS)) {
                for (Map<String, Tensor> in : inputs) {
                    e.add(s.run(in));
                }
            }
            expected = new SoftReference<>(e);
        }
        return e;
    }

    @Override
    public Evaluation evaluate(Model candidate, Budget budget) {
        return on(inputs.size(), candidate, budget);
    }

    /** How many inputs screening looks at, spread evenly over the set (labelled sets are always judged whole). */
    static final int SCREEN = 32;

    @Override
    public Evaluation screen(Model candidate, Budget budget) {
        return on(Math.min(SCREEN, inputs.size()), candidate, budget);
    }

    @Override
    public Evaluation probe(Model candidate, Budget budget) {
        return on(1, candidate, budget);
    }

    /** Scores on {@code wanted} inputs taken evenly across the set (all of them when it is the size). */
    private Evaluation on(int wanted, Model candidate, Budget budget) {
        int count = labels != null ? inputs.size() : wanted;
        // Each input's outputs are scored as they come and let go: only the original's are kept.
        Budget.Scoring scoring = budget.scoring();
        List<Map<String, Tensor>> expected = expected();
        try (OrtSession s = OrtSession.unoptimized(OnnxWriter.toBytes(candidate), THREADS)) {
            for (int k = 0; k < count; k++) {
                int i = (int) ((long) k * inputs.size() / count);
                scoring.add(expected.get(i), s.run(inputs.get(i)));
            }
        }
        return scoring.evaluation();
    }

    /** Sets the budget rank selection meets when its pipeline gives none. */
    public OrtFidelity withBudget(String budget) {
        this.budget = budget;
        return this;
    }

    @Override
    public String budget() {
        return budget;
    }

    @Override
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    @Override
    public String describe() {
        return what;
    }
}
