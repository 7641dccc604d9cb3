package dev.yard.passes.decompose;

import dev.yard.ir.ElementType;
import dev.yard.ir.HalfFloats;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.LowRankFactors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Factorizations already fitted, by layer and candidate, so that a search which tries the same
 * candidate in many models fits it once: the fit needs the layer's calibration statistics,
 * which the search can then let go of. Factors are kept in single precision, or half for f16
 * layers: what the model they go into stores (the chain's weights are written through float),
 * a half or a quarter of the memory of the fits themselves.
 */
final class FitCache {
    /** A conv's geometry with its weights in {@code singles}, or for an f16 layer in {@code halves}. */
    private record PackedConv(ConvLayer geometry, float[] singles, short[] halves) {
        double[] weights() {
            if (halves == null) return widen(singles);
            double[] out = new double[halves.length];
            for (int i = 0; i < out.length; i++) out[i] = HalfFloats.fromHalf(halves[i]);
            return out;
        }

        static PackedConv of(ConvLayer c) {
            ConvLayer geometry = new ConvLayer(c.out(), c.inPerGroup(), c.kh(), c.kw(), new double[0], c.bias(),
                    c.group(), c.strides(), c.pads(), c.dilations(), c.elementType());
            if (c.elementType() != ElementType.FLOAT16) return new PackedConv(geometry, narrow(c.weights()), null);
            short[] h = new short[c.weights().length];
            for (int i = 0; i < h.length; i++) h[i] = HalfFloats.toHalf((float) c.weights()[i]);
            return new PackedConv(geometry, null, h);
        }
    }

    private record PackedFit(List<PackedConv> convs, int[] ranks, double relativeError, double outputError,
                             String note) {}

    private record PackedFactors(int[] firstShape, float[] first, int[] lastShape, float[] last,
                                 double relativeError, double relativeOutputError) {}

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
        if (!(get(layer, what) instanceof PackedFit p)) return null;
        List<ConvLayer> convs = new ArrayList<>();
        for (PackedConv c : p.convs()) {
            ConvLayer g = c.geometry();
            convs.add(new ConvLayer(g.out(), g.inPerGroup(), g.kh(), g.kw(), c.weights(), g.bias(), g.group(),
                    g.strides(), g.pads(), g.dilations(), g.elementType()));
        }
        return new Fit(convs, p.ranks(), p.relativeError(), p.outputError(), p.note());
    }

    void put(String layer, String what, Fit fit) {
        List<PackedConv> convs = new ArrayList<>();
        for (ConvLayer c : fit.convs()) convs.add(PackedConv.of(c));
        put(layer, what, new PackedFit(List.copyOf(convs), fit.ranks(), fit.relativeError(), fit.outputError(), fit.note()));
    }

    LowRankFactors factors(String layer, String what) {
        if (!(get(layer, what) instanceof PackedFactors p)) return null;
        return new LowRankFactors(new DenseTensor(p.firstShape(), widen(p.first())),
                new DenseTensor(p.lastShape(), widen(p.last())), new double[0], p.relativeError(),
                p.relativeOutputError(), null);
    }

    void put(String layer, String what, LowRankFactors f) {
        put(layer, what, new PackedFactors(f.first().shape(), narrow(f.first().data()), f.last().shape(),
                narrow(f.last().data()), f.relativeError(), f.relativeOutputError()));
    }

    /** Lets go of every fit of {@code layer} but those of {@code keep} (each a {@link #what}). */
    void retainOnly(String layer, Set<String> keep) {
        Map<String, Object> m = fits.get(layer);
        if (m != null) m.keySet().retainAll(keep);
    }

    /** How many fits are kept. */
    int size() {
        return fits.values().stream().mapToInt(Map::size).sum();
    }

    private static float[] narrow(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) v[i];
        return out;
    }

    private static double[] widen(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
