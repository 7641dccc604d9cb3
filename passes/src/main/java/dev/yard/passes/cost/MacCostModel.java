package dev.yard.passes.cost;

import com.google.auto.service.AutoService;
import dev.yard.ir.YardException;

/**
 * {@code macs}: a layer costs its multiply-accumulates, at a nominal 1 G per second. The same
 * on every machine and blind to what makes real kernels slow (memory traffic, per-operator
 * overhead, poorly vectorised shapes): a chain with fewer MACs always "wins".
 */
public final class MacCostModel implements CostModel {
    /** Nominal multiply-accumulates per second that turn counts into seconds. */
    static final double MACS_PER_SECOND = 1e9;

    @Override
    public String name() {
        return "macs";
    }

    @Override
    public Cost layer(Layer layer) {
        return new Cost(layer.macs() / MACS_PER_SECOND, layer.bytes(), false);
    }

    /** In the model's own unit: multiply-accumulates. */
    @Override
    public String describe(Cost cost) {
        return String.format(
                java.util.Locale.ROOT, "%,d multiply-accumulates", Math.round(cost.seconds() * MACS_PER_SECOND));
    }

    /** Registers {@code macs}. */
    @AutoService(CostModelProvider.class)
    public static final class Provider implements CostModelProvider {
        @Override
        public String name() {
            return "macs";
        }

        @Override
        public String summary() {
            return "multiply-accumulate counts (machine-independent; not latency)";
        }

        @Override
        public CostModel create(String arguments) {
            if (!arguments.isEmpty()) {
                throw YardException.badInput("--cost-model macs takes no arguments, got '" + arguments + "'");
            }
            return new MacCostModel();
        }
    }
}
