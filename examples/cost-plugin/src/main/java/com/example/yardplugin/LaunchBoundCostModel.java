package com.example.yardplugin;

import dev.yard.ir.YardException;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModelProvider;
import dev.yard.passes.cost.Layer;
import java.util.Locale;

/**
 * An imaginary accelerator whose every layer pays a fixed launch time, then runs its
 * multiply-accumulates at a fixed rate on 32-channel blocks: the kind of formula a backend team
 * fits to its own chip. Chosen with {@code --plugin yard-example-cost-plugin.jar --cost-model
 * launch-bound[:launch_us=U,tmacs=T]}.
 */
public final class LaunchBoundCostModel implements CostModel {
    private final double launchMicros;
    private final double teraMacs;

    LaunchBoundCostModel(double launchMicros, double teraMacs) {
        this.launchMicros = launchMicros;
        this.teraMacs = teraMacs;
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "launch-bound:launch_us=%s,tmacs=%s", launchMicros, teraMacs);
    }

    @Override
    public Cost layer(Layer layer) {
        long macs = layer.macs();
        if (layer instanceof Layer.Conv c) {
            // Channels run in blocks of 32: a partial block costs a whole one.
            double blocks = Math.ceil(c.out() / 32.0) * 32.0 / c.out();
            macs = Math.round(macs * blocks);
        }
        return new Cost(launchMicros * 1e-6 + macs / (teraMacs * 1e12), layer.bytes(), false);
    }

    /** Registered in META-INF/services/dev.yard.passes.cost.CostModelProvider. */
    public static final class Provider implements CostModelProvider {
        @Override
        public String name() {
            return "launch-bound";
        }

        @Override
        public String summary() {
            return "example plugin: fixed launch time plus MACs at a fixed rate on 32-channel blocks";
        }

        @Override
        public CostModel create(String arguments) {
            double launchUs = 20;
            double tmacs = 2;
            for (String arg : arguments.isBlank() ? new String[0] : arguments.split(",")) {
                String[] kv = arg.split("=", 2);
                double v;
                try {
                    v = kv.length == 2 ? Double.parseDouble(kv[1]) : Double.NaN;
                } catch (NumberFormatException e) {
                    v = Double.NaN;
                }
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw YardException.badInput(
                            "--cost-model launch-bound: '" + arg + "' is not NAME=POSITIVE-NUMBER");
                }
                switch (kv[0].trim()) {
                    case "launch_us" -> launchUs = v;
                    case "tmacs" -> tmacs = v;
                    default ->
                        throw YardException.badInput("--cost-model launch-bound: unknown argument '" + kv[0]
                                + "' (known: launch_us, tmacs)");
                }
            }
            return new LaunchBoundCostModel(launchUs, tmacs);
        }
    }
}
