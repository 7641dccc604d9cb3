package dev.yard.passes;

import dev.yard.ir.Model;
import dev.yard.passes.fidelity.Budget;
import dev.yard.passes.fidelity.Evaluation;

/**
 * How far a rewritten model strays from the original on evaluation inputs: what rank selection
 * checks each choice against. Implemented by a backend that can execute models (the passes
 * only ask), handed to passes through their {@link PassContext}.
 */
public interface FidelityOracle {
    /** {@code candidate}'s scores on every bound of {@code budget}, against the original's outputs. */
    Evaluation evaluate(Model candidate, Budget budget);

    /**
     * A quicker, rougher {@link #evaluate}: on a few of the evaluation inputs, for screening
     * many candidates; choices are still verified with {@link #evaluate}. The default evaluates all.
     */
    default Evaluation screen(Model candidate, Budget budget) {
        return evaluate(candidate, budget);
    }

    /**
     * The quickest look: on one evaluation input (labelled sets are judged whole), for
     * weighing a layer. The default screens.
     */
    default Evaluation probe(Model candidate, Budget budget) {
        return screen(candidate, budget);
    }

    /**
     * A hint that no evaluation comes for a while (rank selection is about to calibrate and
     * fit): what the oracle keeps only to go faster, such as the original's outputs, may be
     * let go and made again when next needed. Scores do not change. The default keeps all.
     */
    default void release() {}

    /** The labels of the evaluation inputs, one per row of the first output, where known; else null. */
    default int[] labels() {
        return null;
    }

    /** The budget {@code select-ranks} meets when its pipeline option gives none. */
    default String budget() {
        return "rel-l2<=0.02";
    }

    /** What it measures on, for reports: "the 62 digits", "8 evaluation images". */
    String describe();
}
