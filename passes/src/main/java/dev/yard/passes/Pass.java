package dev.yard.passes;

import dev.yard.ir.Model;

/** One graph rewrite, configured by its options, applied to a whole model. */
public interface Pass {
    /**
     * Rewrites {@code model} in place and returns whether the graph changed. A pass that
     * finds nothing to do returns false and leaves the model exactly as it was; where a
     * requested rewrite cannot apply, it says why through {@code context}.
     */
    boolean run(Model model, PassContext context);
}
