package dev.yard.passes.cost;

import java.util.List;

/**
 * Prices layer configurations on a target: the one seam through which passes decide whether a
 * rewrite pays. Implementations: {@code macs} here; {@code analytic}, {@code ort}, {@code tvm}
 * and {@code table} in the backends; others as plugins (see {@link CostModelProvider}).
 * Passes get the model from their {@code PassContext}.
 */
public interface CostModel {
    /** The name it was created under, with its arguments: {@code ort:threads=2}. */
    String name();

    /** The cost of one layer. Throws {@link dev.yard.ir.YardException} when it cannot price it. */
    Cost layer(Layer layer);

    /** A cost as reports show it: milliseconds, and whether measured or estimated. */
    default String describe(Cost cost) {
        return cost.describe();
    }

    /**
     * The cost of running {@code layers} one after the other (a decomposed layer). The default
     * sums the layers; a model that measures whole chains may do better.
     */
    default Cost chain(List<? extends Layer> layers) {
        Cost total = Cost.ZERO;
        for (Layer l : layers) {
            total = total.plus(layer(l));
        }
        return total;
    }
}
