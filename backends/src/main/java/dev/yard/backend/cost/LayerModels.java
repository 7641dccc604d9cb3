package dev.yard.backend.cost;

import dev.yard.backend.ort.SeededInputs;
import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.ir.YardException;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.passes.cost.Layer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Layer configurations as runnable models: one Conv or MatMul, or a chain of them (a
 * decomposed layer), with seeded random weights, for the cost models that measure.
 */
final class LayerModels {
    private LayerModels() {}

    /** The input tensor's dims of {@code first}. */
    static long[] inputDims(Layer first) {
        if (first instanceof Layer.Conv c) {
            return new long[] {c.batch(), c.in(), c.h(), c.w()};
        }
        Layer.Matrix m = (Layer.Matrix) first;
        return new long[] {m.rows(), m.k()};
    }

    /**
     * A model computing {@code chain} in order, input {@code x}; each layer must read what the
     * previous one writes. Weights are f32 (f16 layers are timed as ONNX Runtime runs them on CPUs).
     */
    static Model of(List<? extends Layer> chain) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("an empty chain");
        }
        Graph g = new Graph("layer");
        long[] dims = inputDims(chain.get(0));
        Value cur = new Value("x", ValueType.tensor(ElementType.FLOAT, Shape.of(dims)));
        g.inputs().add(cur);
        SplittableRandom random = new SplittableRandom(7);
        long[] curDims = dims;
        for (int i = 0; i < chain.size(); i++) {
            Layer l = chain.get(i);
            Value out = new Value("y" + i, null);
            if (l instanceof Layer.Conv c) {
                check(
                        curDims.length == 4
                                && curDims[0] == c.batch()
                                && curDims[1] == c.in()
                                && curDims[2] == c.h()
                                && curDims[3] == c.w(),
                        chain,
                        i);
                Value w = g.addInitializer(
                        "w" + i, random(new long[] {c.out(), c.in() / c.group(), c.kh(), c.kw()}, random));
                Node n = new Node("conv" + i, "", "Conv", List.of(cur, w), List.of(out));
                n.setAttribute(Attribute.of("kernel_shape", new long[] {c.kh(), c.kw()}));
                n.setAttribute(Attribute.of("strides", longs(c.strides())));
                n.setAttribute(Attribute.of("pads", longs(c.pads())));
                n.setAttribute(Attribute.of("dilations", longs(c.dilations())));
                n.setAttribute(Attribute.of("group", (long) c.group()));
                g.nodes().add(n);
                curDims = new long[] {c.batch(), c.out(), c.outH(), c.outW()};
            } else {
                Layer.Matrix m = (Layer.Matrix) l;
                check(curDims.length == 2 && curDims[0] == m.rows() && curDims[1] == m.k(), chain, i);
                Value w = g.addInitializer("w" + i, random(new long[] {m.k(), m.n()}, random));
                g.nodes().add(new Node("matmul" + i, "", "MatMul", List.of(cur, w), List.of(out)));
                curDims = new long[] {m.rows(), m.n()};
            }
            cur = out;
        }
        g.outputs().add(cur);
        Model m = new Model(g);
        m.opsetImports().put("", 17L);
        ShapeInference.inferOrThrow(m);
        return m;
    }

    /** Seeded values in [-0.5, 0.5). */
    static Tensor random(long[] dims, SplittableRandom r) {
        return SeededInputs.uniform(ElementType.FLOAT, dims, r, -0.5);
    }

    private static void check(boolean fits, List<? extends Layer> chain, int i) {
        if (!fits) {
            throw YardException.badInput(
                    "layer " + i + " of the chain does not read what the one before writes: " + chain);
        }
    }

    private static long[] longs(int[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i];
        }
        return r;
    }
}
