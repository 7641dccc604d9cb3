package dev.yard.passes.cost;

import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Outcome;
import dev.yard.ir.Shape;
import dev.yard.ir.Value;
import dev.yard.passes.conv.ConvLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers of a model a cost model can price (2-D convs with constant weights, Gemm and
 * MatMul by a constant matrix, with shapes known after shape inference; a symbolic batch
 * counts as 1), and their costs.
 * Other operators (activations, pools, reshapes) are not priced: a model's predicted latency
 * is the sum over its layers.
 */
public final class ModelPricing {
    private ModelPricing() {}

    /** A layer of the model and what it costs; {@code layer} is null when it could not be priced (see {@code why}). */
    public record Priced(Node node, Layer layer, Cost cost, String why) {}

    /** Every Conv, Gemm and MatMul of the model's main graph, in order, priced by {@code model}. */
    public static List<Priced> price(Model m, CostModel model, java.util.function.Consumer<String> progress) {
        List<Node> layers = new ArrayList<>();
        for (Node n : m.graph().nodes()) {
            if (n.isDefaultDomain() && (n.is("Conv") || n.is("Gemm") || n.is("MatMul"))) {
                layers.add(n);
            }
        }
        List<Priced> out = new ArrayList<>();
        int i = 0;
        for (Node n : layers) {
            progress.accept("layer " + (++i) + " of " + layers.size());
            Outcome<Layer> l = layerOf(n);
            out.add(
                    l.ok()
                            ? new Priced(n, l.value(), model.layer(l.value()), null)
                            : new Priced(n, null, null, l.whyNot()));
        }
        return out;
    }

    /** The sum of the priced layers' costs. */
    public static Cost total(List<Priced> priced) {
        Cost c = Cost.ZERO;
        for (Priced p : priced) {
            if (p.cost() != null) {
                c = c.plus(p.cost());
            }
        }
        return c;
    }

    /** The layer configuration of a Conv, Gemm or MatMul node, or why there is none. */
    public static Outcome<Layer> layerOf(Node n) {
        if (n.is("Conv")) {
            Outcome<ConvLayer> read = ConvLayer.read(n);
            if (!read.ok()) {
                return Outcome.not(read.whyNot());
            }
            ConvLayer c = read.value();
            long[] x = staticDims(n.input(0));
            if (x == null || x.length != 4) {
                return Outcome.not("the input's shape is not known (give --input-shape)");
            }
            return Outcome.of(Layer.Conv.of(c, (int) x[0], (int) x[2], (int) x[3]));
        }
        Value w = n.input(1);
        if (w == null || !w.isInitializer() || w.initializer().rank() != 2) {
            return Outcome.not("the weight is not a constant matrix");
        }
        if (n.is("Gemm") && n.intAttr("transA", 0) != 0) {
            return Outcome.not("Gemm with transA=1");
        }
        long[] x = staticDims(n.input(0));
        if (x == null || x.length < 2) {
            return Outcome.not("the input's shape is not known (give --input-shape)");
        }
        long rows = 1;
        for (int i = 0; i < x.length - 1; i++) {
            rows *= x[i];
        }
        long[] wd = w.initializer().dims();
        boolean transB = n.is("Gemm") && n.intAttr("transB", 0) != 0;
        return Outcome.of(new Layer.Matrix(
                w.initializer().elementType(), (int) rows, (int) x[x.length - 1], (int) (transB ? wd[0] : wd[1])));
    }

    /** The dims of {@code v}, a symbolic batch (first) dimension counted as 1; null when others are unknown. */
    public static long[] staticDims(Value v) {
        Shape s = v == null ? null : v.shape();
        if (s == null) {
            return null;
        }
        long[] d = new long[s.rank()];
        for (int i = 0; i < d.length; i++) {
            d[i] = s.dim(i).isKnown() ? s.dim(i).sizeOrNegative() : i == 0 ? 1 : -1;
            if (d[i] < 1) {
                return null;
            }
        }
        return d;
    }
}
