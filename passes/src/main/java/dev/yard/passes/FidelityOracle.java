package dev.yard.passes;

import dev.yard.ir.Model;

/**
 * How far a rewritten model strays from the original on evaluation inputs: what rank selection
 * checks each choice against. Implemented by a backend that can execute models (the passes
 * only ask), handed to passes through their {@link PassContext}.
 */
public interface FidelityOracle {
    /** The error of {@code candidate} against the original: the worst relative L2 over the outputs. */
    double error(Model candidate);

    /** What it measures on, for reports: "relative L2 on 62 digits". */
    String describe();
}
