package dev.yard.passes.fuse;

import dev.yard.ir.Attribute;
import dev.yard.ir.Graph;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.PassContext;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.Layer;
import dev.yard.passes.rewrite.GraphIndex;
import dev.yard.passes.rewrite.RewriteRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code fuse-1x1} into a fully-connected layer: a 1x1 conv on a 1x1 spatial input, flattened
 * and fed to a {@code Gemm} with constant weights, is the product of two matrices; when one
 * matrix is cheaper, the conv disappears: Flatten(X) then Gemm with B = alpha W^T B' and
 * C = alpha b B' + beta C.
 */
final class ConvIntoGemm implements RewriteRule {
    private final PassContext context;

    ConvIntoGemm(PassContext context) {
        this.context = context;
    }

    @Override
    public Set<String> rootOps() {
        return Set.of("Conv");
    }

    @Override
    public Match match(Node conv, GraphIndex index) {
        if (conv.outputs().size() != 1) {
            return Match.NONE;
        }
        Node flatten = index.soleUser(conv.output(0));
        if (flatten == null || !(flatten.is("Flatten") && flatten.intAttr("axis", 1) == 1)) {
            return Match.NONE;
        }
        Node gemm = index.soleUser(flatten.output(0));
        if (gemm == null
                || !gemm.is("Gemm")
                || gemm.input(0) != flatten.output(0)
                || gemm.intAttr("transA", 0) != 0
                || gemm.input(1) == null
                || !gemm.input(1).isInitializer()) {
            return Match.NONE;
        }
        ConvLayer c = ConvLayer.read(conv).orElse(null);
        Shape x = conv.input(0).shape();
        if (c == null
                || !c.isPointwise()
                || c.group() != 1
                || x == null
                || x.rank() != 4
                || x.dim(2).sizeOrNegative() != 1
                || x.dim(3).sizeOrNegative() != 1) {
            return Match.NONE;
        }
        Value cv = gemm.input(2);
        if (cv != null && !cv.isInitializer()) {
            return Match.notApplicable(gemm, "C is not constant, so " + conv.describe() + " cannot fold into it");
        }
        Tensor b = gemm.input(1).initializer();
        boolean transB = gemm.intAttr("transB", 0) != 0;
        int mid = c.out();
        int in = c.in();
        long[] bd = b.dims();
        if (bd.length != 2 || (transB ? bd[1] : bd[0]) != mid || b.elementType() != c.elementType()) {
            return Match.NONE;
        }
        int nOut = (int) (transB ? bd[0] : bd[1]);
        Tensor ct = cv == null ? null : cv.initializer();
        if (ct != null && ct.elementCount() != 1 && ct.elementCount() != nOut) {
            return Match.notApplicable(gemm, "C of shape " + ct.shape() + " is not a row vector");
        }
        // The pair against the one Gemm it folds into, priced by the context's cost model (a 1x1
        // map: the batch rows are all there is to the input).
        long[] xd = context.pricingDims(conv.input(0));
        int rows = xd == null ? 1 : (int) xd[0];
        CostModel costs = context.costModel();
        double pair = costs.layer(Layer.Conv.pointwise(c.elementType(), rows, in, mid, 1, 1))
                        .seconds()
                + costs.layer(new Layer.Matrix(c.elementType(), rows, mid, nOut))
                        .seconds();
        double folded =
                costs.layer(new Layer.Matrix(c.elementType(), rows, in, nOut)).seconds();
        if (folded >= pair) {
            return Match.notApplicable(
                    conv, "folding into " + gemm.describe() + " would not be cheaper on " + costs.name());
        }
        return Match.rewrite(() -> fold(conv, c, flatten, gemm, index));
    }

    /** Replaces conv, Flatten and Gemm by a Flatten and a Gemm with B = alpha W^T B' and C = alpha b B' + beta C. */
    private void fold(Node conv, ConvLayer c, Node flatten, Node gemm, GraphIndex index) {
        Tensor b = gemm.input(1).initializer();
        boolean transB = gemm.intAttr("transB", 0) != 0;
        int mid = c.out();
        int in = c.in();
        int nOut = (int) (transB ? b.dims()[0] : b.dims()[1]);
        double alpha = gemm.floatAttr("alpha", 1f);
        double beta = gemm.floatAttr("beta", 1f);
        double[] bm = new double[mid * nOut];
        for (int m = 0; m < mid; m++) {
            for (int n = 0; n < nOut; n++) {
                bm[m * nOut + n] = b.getDouble(transB ? (long) n * mid + m : (long) m * nOut + n);
            }
        }
        double[] newB = new double[in * nOut];
        for (int i = 0; i < in; i++) {
            for (int n = 0; n < nOut; n++) {
                double s = 0;
                for (int m = 0; m < mid; m++) {
                    s += c.weight(m, i, 0, 0) * bm[m * nOut + n];
                }
                newB[i * nOut + n] = alpha * s;
            }
        }
        Value cv = gemm.input(2);
        double[] newC = null;
        if (c.bias() != null || cv != null) {
            newC = new double[nOut];
            Tensor ct = cv == null ? null : cv.initializer();
            for (int n = 0; n < nOut; n++) {
                double s = 0;
                if (c.bias() != null) {
                    for (int m = 0; m < mid; m++) {
                        s += c.bias()[m] * bm[m * nOut + n];
                    }
                }
                double cn = ct == null ? 0 : ct.getDouble(ct.elementCount() == 1 ? 0 : n);
                newC[n] = alpha * s + beta * cn;
            }
        }
        Graph g = index.graph();
        String base = gemm.name().isEmpty() ? gemm.output(0).name() : gemm.name();
        Value flat = new Value(index.freshName(flatten.output(0).name()), null);
        Node newFlatten =
                new Node(index.freshName(base + "_flatten"), "", "Flatten", List.of(conv.input(0)), List.of(flat));
        newFlatten.setAttribute(Attribute.of("axis", 1L));
        List<Value> inputs = new ArrayList<>(List.of(
                flat,
                g.addInitializer(
                        index.freshName(base + "_weight"),
                        Tensor.ofDoublesAs(c.elementType(), new long[] {in, nOut}, newB))));
        if (newC != null) {
            inputs.add(g.addInitializer(
                    index.freshName(base + "_bias"), Tensor.ofDoublesAs(c.elementType(), new long[] {nOut}, newC)));
        }
        Node newGemm = new Node(
                gemm.name().isEmpty() ? index.freshName(base) : gemm.name(),
                "",
                "Gemm",
                inputs,
                List.of(gemm.output(0)));
        index.replace(List.of(conv, flatten, gemm), List.of(newFlatten, newGemm));
        context.applied(newGemm, "folded " + conv.describe() + " into the fully-connected layer");
    }
}
