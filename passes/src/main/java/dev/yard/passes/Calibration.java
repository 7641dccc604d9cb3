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

    /**
     * Statistics for sequential fitting: for each of {@code layers} (nodes of {@code original}),
     * what it reads in {@code original} and, at the same positions, what the value of that name
     * holds in {@code approximate}, a model with some earlier layers already replaced
     * ({@link InputCovariance#paired}); handed over in groups as above. Layers whose input
     * {@code approximate} does not have are left out. By default nothing is measured: such a
     * calibration fits every layer from the original's activations.
     */
    /**
     * What determines the statistics besides the model (the inputs, how they are sampled, the
     * code that measures them), as a digest; null when unknown, and then nothing measured or
     * fitted from them is kept between runs.
     */
    default String identity() {
        return null;
    }

    default void pairedCovariances(
            Model original, Model approximate, List<Node> layers, Consumer<Map<Node, InputCovariance>> group) {}
}
