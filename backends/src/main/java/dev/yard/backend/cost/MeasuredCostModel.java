package dev.yard.backend.cost;

import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.Layer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A cost model that measures on this host: each layer or chain is measured once, as one
 * model, and kept in a {@link TimingCache} so later runs of Yard read it instead.
 */
abstract class MeasuredCostModel implements CostModel {
    private final TimingCache cache;

    MeasuredCostModel(Path cacheFile) {
        this.cache = new TimingCache(cacheFile);
    }

    /** Where the measured latencies are kept. */
    public Path cacheFile() {
        return cache.file();
    }

    /** One fresh measurement of {@code layers} run one after the other: seconds. */
    abstract double measure(List<? extends Layer> layers);

    @Override
    public Cost layer(Layer layer) {
        return chain(List.of(layer));
    }

    @Override
    public Cost chain(List<? extends Layer> layers) {
        String key = layers.stream().map(Layer::key).collect(Collectors.joining(" ; "));
        double bytes = layers.stream().mapToDouble(Layer::bytes).sum();
        Double seconds = cache.get(key);
        if (seconds == null) {
            seconds = cache.put(key, measure(layers));
        }
        return new Cost(seconds, bytes, true);
    }
}
