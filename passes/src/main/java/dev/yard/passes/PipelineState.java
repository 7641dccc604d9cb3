package dev.yard.passes;

/**
 * What the pass manager will hand the passes of a pipeline, known before the first one runs:
 * whether calibration data and evaluation inputs are there. (Types and shapes need no entry:
 * the pass manager infers them before every pass, and verifies the graph after every pass
 * that changed it.)
 */
public record PipelineState(boolean calibration, boolean evaluationInputs) {}
