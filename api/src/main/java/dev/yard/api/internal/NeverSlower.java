package dev.yard.api.internal;

import dev.yard.ir.Model;
import dev.yard.passes.PassManager;
import dev.yard.passes.PassRegistry;
import dev.yard.passes.Pipeline;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.ModelPricing;
import dev.yard.passes.cost.WholeModelCost;
import java.util.Map;

/**
 * The check after {@code optimize}'s pipeline: the input and the result priced by the cost
 * model the passes decided by, and whether the input is kept because the result is not
 * cheaper. A model that can measure whole models times both (it sees what a runtime does
 * across layers); others sum the priced layers.
 */
public record NeverSlower(Cost before, Cost after, boolean keptInput) {

    public static NeverSlower compare(
            Model input, Model result, CostModel costs, Map<String, String> inputShapes, dev.yard.api.Progress status) {
        Cost before = predicted(input, costs, inputShapes, status);
        Cost after = predicted(result, costs, inputShapes, status);
        if (costs instanceof WholeModelCost) {
            // Timed again in the other order: the first model timed in a process pays for warming
            // up threads and caches, and must not lose for being first.
            after = cheaper(after, predicted(result, costs, inputShapes, status));
            before = cheaper(before, predicted(input, costs, inputShapes, status));
            // A measured result must be faster to be kept.
            return new NeverSlower(before, after, after.seconds() >= before.seconds());
        }
        // An estimate must not be dearer.
        return new NeverSlower(before, after, after.seconds() > before.seconds());
    }

    /** The latency of {@code m} at the given input shapes, on a copy with constants folded (weights in Constant nodes count). */
    private static Cost predicted(
            Model m, CostModel costs, Map<String, String> inputShapes, dev.yard.api.Progress status) {
        Model shaped = Models.withInputShapes(m, inputShapes);
        new PassManager(Pipeline.parse("fold-constants", PassRegistry.load())).run(shaped);
        Models.inferShapes(shaped);
        try {
            if (costs instanceof WholeModelCost whole) {
                status.show(costs.name() + ": timing the whole model");
                return whole.model(shaped);
            }
            return ModelPricing.total(
                    ModelPricing.price(shaped, costs, what -> status.show(costs.name() + ": pricing " + what)));
        } finally {
            status.clear();
        }
    }

    private static Cost cheaper(Cost a, Cost b) {
        return a.seconds() <= b.seconds() ? a : b;
    }
}
