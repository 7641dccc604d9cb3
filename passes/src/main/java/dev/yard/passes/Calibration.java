package dev.yard.passes;

import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.passes.linalg.InputCovariance;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Statistics of a model's real activations, measured by running it on calibration inputs:
 * what calibration-aware fitting needs to minimise a layer's output error instead of its
 * weight error. Implemented by a backend that can execute models; a pass only asks.
 */
public interface Calibration {
    /**
     * For each of {@code layers} (Conv, Gemm or MatMul nodes of {@code model} as it is now),
     * the covariance of what it reads: im2col patches ordered like a row of the OIHW kernel
     * for a conv, input rows for a matrix product. Layers it cannot measure are left out.
     */
    Map<Node, InputCovariance> inputCovariances(Model model, List<Node> layers);

    /**
     * As {@link #inputCovariances(Model, List)}, handed over in groups of layers as each group
     * is complete, so that a caller which fits a group and lets it go holds one group's
     * statistics at a time rather than every layer's. By default, one group of all.
     */
    default void inputCovariances(Model model, List<Node> layers, Consumer<Map<Node, InputCovariance>> group) {
        group.accept(inputCovariances(model, layers));
    }
}
