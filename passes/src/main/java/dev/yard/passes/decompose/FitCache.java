package dev.yard.passes.decompose;

import dev.yard.ir.ElementType;
import dev.yard.ir.Tensor;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.LowRankFactors;
import dev.yard.passes.numeric.Doubles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Factorizations already fitted, by layer and candidate, so that a search which tries the same
 * candidate in many models fits it once: the fit needs the layer's calibration statistics,
 * which the search can then let go of. A conv's factors are kept as the tensors the model will
 * store (f32, or halves for f16 layers), a matrix's in f32: a half or a quarter of the memory
 * of the fits themselves, and nothing the written model would not lose anyway.
 */
final class FitCache {
    /** A conv's geometry and bias, with its weights as the layer's tensor. */
    private record PackedConv(ConvLayer geometry, Tensor weights) {}

    private record PackedFit(
            List<PackedConv> convs, int[] ranks, double relativeError, double outputError, String note) {}

    private record PackedFactors(
            int[] firstShape,
            Tensor first,
            int[] lastShape,
            Tensor last,
            double relativeError,
            double relativeOutputError) {}

    /** Per layer name, per {@link #what}: the fit. */
    private final Map<String, Map<String, Object>> fits = new HashMap<>();

    /** What a layer is decomposed with: {@code method} at {@code ranks} with {@code groups}. */
    static String what(String method, int[] ranks, int groups) {
        return method + " " + Arrays.toString(ranks) + " " + groups;
    }

    private Object get(String layer, String what) {
        Map<String, Object> m = fits.get(layer);
        return m == null ? null : m.get(what);
    }

    private void put(String layer, String what, Object fit) {
        fits.computeIfAbsent(layer, k -> new HashMap<>()).put(what, fit);
    }

    Fit conv(String layer, String what) {
        if (!(get(layer, what) instanceof PackedFit p)) {
            return null;
        }
        List<ConvLayer> convs = new ArrayList<>();
        for (PackedConv c : p.convs()) {
            ConvLayer g = c.geometry();
            convs.add(new ConvLayer(
                    g.out(),
                    g.inPerGroup(),
                    g.kh(),
                    g.kw(),
                    Doubles.of(c.weights()),
                    g.bias(),
                    g.group(),
                    g.strides(),
                    g.pads(),
                    g.dilations(),
                    g.elementType()));
        }
        return new Fit(convs, p.ranks(), p.relativeError(), p.outputError(), p.note());
    }

    void put(String layer, String what, Fit fit) {
        List<PackedConv> convs = new ArrayList<>();
        for (ConvLayer c : fit.convs()) {
            convs.add(new PackedConv(
                    new ConvLayer(
                            c.out(),
                            c.inPerGroup(),
                            c.kh(),
                            c.kw(),
                            new double[0],
                            c.bias(),
                            c.group(),
                            c.strides(),
                            c.pads(),
                            c.dilations(),
                            c.elementType()),
                    c.weightTensor()));
        }
        put(
                layer,
                what,
                new PackedFit(List.copyOf(convs), fit.ranks(), fit.relativeError(), fit.outputError(), fit.note()));
    }

    LowRankFactors factors(String layer, String what) {
        if (!(get(layer, what) instanceof PackedFactors p)) {
            return null;
        }
        return new LowRankFactors(
                new DenseTensor(p.firstShape(), Doubles.of(p.first())),
                new DenseTensor(p.lastShape(), Doubles.of(p.last())),
                new double[0],
                p.relativeError(),
                p.relativeOutputError(),
                null);
    }

    void put(String layer, String what, LowRankFactors f) {
        put(
                layer,
                what,
                new PackedFactors(
                        f.first().shape(),
                        single(f.first()),
                        f.last().shape(),
                        single(f.last()),
                        f.relativeError(),
                        f.relativeOutputError()));
    }

    private static Tensor single(DenseTensor t) {
        return Doubles.toTensor(ElementType.FLOAT, new long[] {t.data().length}, t.data());
    }

    /** Lets go of every fit of {@code layer} but those of {@code keep} (each a {@link #what}). */
    void retainOnly(String layer, Set<String> keep) {
        Map<String, Object> m = fits.get(layer);
        if (m != null) {
            m.keySet().retainAll(keep);
        }
    }

    /** How many fits are kept. */
    int size() {
        return fits.values().stream().mapToInt(Map::size).sum();
    }
}
