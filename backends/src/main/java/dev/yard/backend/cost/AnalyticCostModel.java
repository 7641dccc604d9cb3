package dev.yard.backend.cost;

import com.google.auto.service.AutoService;
import dev.yard.ir.ElementType;
import dev.yard.ir.YardException;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModelProvider;
import dev.yard.passes.cost.Layer;
import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * {@code analytic}: a roofline per target, from a {@link TargetDescription}. A layer costs
 * <pre>
 *   per_operator_overhead + max(aligned MACs / rate(type, kind), bytes / bandwidth(bytes))
 * </pre>
 * <ul>
 * <li><b>Aligned MACs</b>: kernels block channels by {@code channel_alignment} (vector lanes, a cube's side), so a
 *     conv's per-group output channels and its per-group input channels (or, where the target says
 *     {@code reduction_alignment: patch}, the whole im2col reduction in/group x kh x kw, as CPUs run convs) are
 *     rounded up to a multiple of it (a depthwise conv's channel count; a matrix's k and n): rank 17 on a
 *     16-wide unit costs as rank 32.</li>
 * <li><b>Rate</b>: the target's sustained MACs per second for the layer's kernel kind and element type; float16 and
 *     bfloat16 use the {@code float16} table, int8 and uint8 the {@code int8} table, each falling back to
 *     {@code float32} when the target has none (the runtime would compute in float32).</li>
 * <li><b>Bandwidth</b>, by where the layer's working set (input, output, weights) lives between runs: within
 *     {@code l2_bytes} memory is not a limit (the per-core caches feed the FMA units faster than convs consume
 *     data), within {@code last_level_cache_bytes} it streams at the last-level cache's bandwidth, beyond it at
 *     main memory's.</li>
 * </ul>
 * Costs are estimates ({@code measured=false}). Chains are the sum of their layers: nothing is fused.
 */
public final class AnalyticCostModel implements CostModel {
    /** The target when {@code analytic} is given no argument. */
    public static final String DEFAULT_TARGET = "x86-64-avx2";

    private final TargetDescription target;

    public AnalyticCostModel(TargetDescription target) {
        this.target = target;
    }

    public TargetDescription target() {
        return target;
    }

    @Override
    public String name() {
        return "analytic:" + target.name();
    }

    @Override
    public Cost layer(Layer layer) {
        double compute = alignedMacs(layer) / target.rate(rateType(layer.type()), layer.kind());
        double memory = memorySeconds(layer.bytes());
        return new Cost(target.perOperatorOverheadSeconds() + Math.max(compute, memory), layer.bytes(), false);
    }

    /** Multiply-accumulates with the channel counts rounded up to the target's alignment. */
    long alignedMacs(Layer layer) {
        int a = target.channelAlignment();
        if (layer instanceof Layer.Conv c) {
            long perChannelPair = (long) c.batch() * c.outH() * c.outW() * c.kh() * c.kw();
            if (c.kind() == Layer.Kind.DEPTHWISE) {
                return perChannelPair * roundUp(c.out(), a);
            }
            long outputs = (long) c.batch() * c.outH() * c.outW() * c.group() * roundUp(c.out() / c.group(), a);
            if (target.alignsPatches()) {
                return outputs * roundUp(c.in() / c.group() * c.kh() * c.kw(), a);
            }
            return perChannelPair * c.group() * roundUp(c.in() / c.group(), a) * roundUp(c.out() / c.group(), a);
        }
        if (layer instanceof Layer.Matrix m) {
            return (long) m.rows() * roundUp(m.k(), a) * roundUp(m.n(), a);
        }
        throw new IllegalStateException("no alignment rule for " + layer);
    }

    /** The {@code macs_per_second} table that prices {@code type}. */
    String rateType(ElementType type) {
        return switch (type) {
            case FLOAT -> "float32";
            case FLOAT16, BFLOAT16 -> target.hasType("float16") ? "float16" : "float32";
            case INT8, UINT8 -> target.hasType("int8") ? "int8" : "float32";
            default ->
                throw YardException.badInput(name() + ": cannot price " + type.textName()
                        + " layers (it prices float, float16, bfloat16, int8 and uint8)");
        };
    }

    private double memorySeconds(long bytes) {
        if (bytes <= target.l2Bytes()) {
            return 0;
        }
        if (bytes <= target.lastLevelCacheBytes()) {
            return bytes / target.lastLevelCacheBandwidth();
        }
        return bytes / target.memoryBandwidth();
    }

    private static long roundUp(int channels, int alignment) {
        return ((long) channels + alignment - 1) / alignment * alignment;
    }

    /** Registers {@code analytic[:NAME|:FILE.json]}. */
    @AutoService(CostModelProvider.class)
    public static final class Provider implements CostModelProvider {
        @Override
        public String name() {
            return "analytic";
        }

        @Override
        public String summary() {
            return "roofline estimate per target: MAC rates per kernel kind, bandwidth, per-operator overhead, channel "
                    + "alignment (analytic:NAME or analytic:FILE.json; built-in: "
                    + String.join(", ", TargetDescription.builtInNames()) + "; default " + DEFAULT_TARGET + ")";
        }

        @Override
        public CostModel create(String arguments) {
            String a = arguments.trim();
            if (a.isEmpty()) {
                return new AnalyticCostModel(TargetDescription.builtIn(DEFAULT_TARGET));
            }
            // A built-in name never has a separator or an extension, so anything that does is a file.
            boolean file = a.endsWith(".json") || a.indexOf('/') >= 0 || a.indexOf(File.separatorChar) >= 0;
            if (!file) {
                return new AnalyticCostModel(TargetDescription.builtIn(a));
            }
            try {
                return new AnalyticCostModel(TargetDescription.read(Path.of(a)));
            } catch (InvalidPathException e) {
                throw YardException.badInput(a + ": not a file name: " + e.getReason(), e);
            }
        }
    }
}
