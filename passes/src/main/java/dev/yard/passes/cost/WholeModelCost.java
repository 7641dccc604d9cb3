package dev.yard.passes.cost;

import dev.yard.ir.Model;

/**
 * A cost model that can also price a whole model, not only its layers one by one. Summed layer
 * costs miss what a runtime does across layers (fusing a conv with its activation, keeping a
 * blocked layout from one conv to the next) and what is not a layer at all; a model that
 * measures should measure the whole when asked whether a rewritten model is faster.
 */
public interface WholeModelCost {
    /** The latency of one run of {@code model}, whose inputs all have static shapes. */
    Cost model(Model model);
}
