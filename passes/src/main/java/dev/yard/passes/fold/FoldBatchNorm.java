package dev.yard.passes.fold;

import dev.yard.ir.ElementType;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.Pass;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassDefinition;
import dev.yard.passes.PassOptions;
import dev.yard.passes.numeric.ChannelAffine;
import dev.yard.passes.numeric.Doubles;
import dev.yard.passes.rewrite.GraphIndex;
import dev.yard.passes.rewrite.Rewrites;
import dev.yard.passes.rewrite.Uses;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fold-batchnorm}: folds an inference-mode BatchNormalization into the Conv or Gemm
 * that produces its input (W' = W * s per output channel, b' = s * b + t, where
 * s = gamma / sqrt(var + eps) and t = beta - mean * s), or else into a Conv that reads its
 * output, when that conv has group=1 and no padding (W' = W * s per input channel,
 * b' = b + sum W * t; with padding the border would read zeros where it should read t, so
 * that fold is not exact). Weights keep their element type: arithmetic is in double, rounded
 * once. The BatchNormalization's output keeps its name. Every BatchNormalization left in the
 * main graph gets a skip remark saying why.
 */
public final class FoldBatchNorm implements Pass {

    /** The pipeline declaration of {@code fold-batchnorm}. */
    public static final class Definition extends PassDefinition {
        public Definition() {
            super("fold-batchnorm", "Fold inference BatchNormalization into a neighbouring Conv or Gemm.", List.of());
        }

        @Override
        public Pass create(PassOptions options) {
            return new FoldBatchNorm();
        }
    }

    /** Why a fold does not apply; caught per BatchNormalization and reported as its skip remark. */
    private static final class NotApplicable extends Exception {
        NotApplicable(String reason) {
            super(reason, null, false, false);
        }
    }

    @Override
    public boolean run(Model model, PassContext context) {
        Graph g = model.graph();
        GraphIndex names = new GraphIndex(model, g);
        boolean changed = false;
        for (Node bn : new ArrayList<>(g.nodes())) {
            if (!bn.is("BatchNormalization")) {
                continue;
            }
            try {
                ChannelAffine affine = affineOf(g, bn);
                Uses uses = Uses.of(g);
                String intoProducer = tryProducer(g, uses, names, bn, affine);
                if (intoProducer == null) {
                    changed = true;
                    context.applied(bn, "folded into the producing " + bn.input(0).producer().describe());
                    continue;
                }
                String intoConsumer = tryConsumer(g, uses, names, bn, affine);
                if (intoConsumer == null) {
                    changed = true;
                    context.applied(bn, "folded into the following Conv");
                    continue;
                }
                context.skipped(bn, intoProducer + "; " + intoConsumer);
            } catch (NotApplicable e) {
                context.skipped(bn, e.getMessage());
            }
        }
        return changed;
    }

    /** The BatchNormalization's map; cheap checks on the node itself first. */
    private static ChannelAffine affineOf(Graph g, Node bn) throws NotApplicable {
        long outputs = bn.outputs().stream().filter(v -> v != null).count();
        if (outputs != 1 || bn.intAttr("training_mode", 0) != 0) {
            throw new NotApplicable("training mode (" + outputs + " outputs): only inference BatchNormalization folds");
        }
        String[] roles = {"scale", "B", "mean", "var"};
        double[][] p = new double[4][];
        for (int i = 0; i < 4; i++) {
            Value v = bn.input(i + 1);
            if (!Rewrites.isConstant(g, v)) {
                throw new NotApplicable(roles[i] + " " + (v == null ? "is missing" : v.name() + " is not an initializer"));
            }
            p[i] = Doubles.of(v.initializer());
        }
        try {
            return ChannelAffine.ofBatchNorm(p[0], p[1], p[2], p[3], bn.floatAttr("epsilon", 1e-5f));
        } catch (ArithmeticException e) {
            throw new NotApplicable(e.getMessage());
        }
    }

    /** Folds into the Conv or Gemm producing the input; null when done, else why not. */
    private static String tryProducer(Graph g, Uses uses, GraphIndex names, Node bn, ChannelAffine affine) {
        Value x = bn.input(0);
        Node p = x.producer();
        if (p == null || !(p.is("Conv") || p.is("Gemm"))) {
            return "input " + x.name() + " is not computed by a Conv or Gemm";
        }
        if (!uses.onlyReadBy(x, bn)) {
            return "input " + x.name() + " has another user";
        }
        Value w = p.input(1);
        Value b = p.input(2);
        if (!Rewrites.isConstant(g, w) || (b != null && !Rewrites.isConstant(g, b))) {
            return p.describe() + " has weights or bias that are not initializers";
        }
        Tensor wt = w.initializer();
        if (!Doubles.isSupported(wt.elementType())) {
            return "weights of type " + wt.elementType().textName() + " are not folded";
        }
        int axis;
        if (p.is("Conv")) {
            axis = 0;
        } else {
            if (p.floatAttr("alpha", 1f) != 1f || p.floatAttr("beta", 1f) != 1f) {
                return p.describe() + " has alpha or beta other than 1";
            }
            axis = p.intAttr("transB", 0) != 0 ? 0 : 1;
        }
        long[] dims = wt.dims();
        if (dims.length < 2 || dims[axis] != affine.channels()) {
            return p.describe() + " has " + (dims.length < 2 ? "?" : dims[axis]) + " output channels, the BatchNormalization "
                    + affine.channels();
        }
        double[] bias = null;
        if (b != null) {
            Tensor bt = b.initializer();
            if (bt.elementCount() != affine.channels() || bt.elementType() != wt.elementType()) {
                return "bias " + b.name() + " is " + bt + ", not one value per output channel";
            }
            bias = Doubles.of(bt);
        }
        Tensor newW = Doubles.toTensor(wt.elementType(), dims, affine.scaleAlong(Doubles.of(wt), dims, axis));
        Tensor newB = Doubles.toTensor(wt.elementType(), new long[] {affine.channels()}, affine.biasAfter(bias));
        Value wv = Rewrites.replaceContents(g, uses, names, w, p, newW);
        Value bv = b != null ? Rewrites.replaceContents(g, uses, names, b, p, newB)
                : g.addInitializer(names.freshName(bn.output(0).name() + "_bias"), newB);
        // The producer now defines the BatchNormalization's output, so its name and users stay.
        Node fused = Rewrites.withOutputs(p, List.of(bn.output(0)));
        fused.setInput(1, wv);
        if (fused.inputs().size() > 2) {
            fused.setInput(2, bv);
        } else {
            fused.addInput(bv);
        }
        g.nodes().set(g.nodes().indexOf(p), fused);
        g.nodes().remove(bn);
        return null;
    }

    /** Folds into the one Conv reading the output; null when done, else why not. */
    private static String tryConsumer(Graph g, Uses uses, GraphIndex names, Node bn, ChannelAffine affine) {
        Value y = bn.output(0);
        if (uses.isGraphOutput(y)) {
            return "its output " + y.name() + " is a graph output";
        }
        if (uses.count(y) != 1) {
            return "its output " + y.name() + " has " + uses.count(y) + " users, not one Conv";
        }
        Node conv = uses.readers(y).get(0);
        if (!conv.is("Conv") || conv.input(0) != y) {
            return "the user of " + y.name() + " is not a Conv reading it as data";
        }
        if (conv.intAttr("group", 1) != 1) {
            return "the following " + conv.describe() + " has group=" + conv.intAttr("group", 1) + " (needs 1)";
        }
        String autoPad = conv.stringAttr("auto_pad", "NOTSET");
        long[] pads = conv.intsAttr("pads");
        boolean padded = autoPad.startsWith("SAME") || (pads != null && java.util.Arrays.stream(pads).anyMatch(q -> q != 0));
        if (padded) {
            return "the following " + conv.describe() + " pads its input, so a shift cannot move into it exactly";
        }
        Value w = conv.input(1);
        Value b = conv.input(2);
        if (!Rewrites.isConstant(g, w) || (b != null && !Rewrites.isConstant(g, b))) {
            return "the following " + conv.describe() + " has weights or bias that are not initializers";
        }
        Tensor wt = w.initializer();
        long[] dims = wt.dims();
        if (!Doubles.isSupported(wt.elementType()) || dims.length < 3 || dims[1] != affine.channels()) {
            return "the following " + conv.describe() + " has weights " + wt + " that do not match "
                    + affine.channels() + " channels";
        }
        double[] wd = Doubles.of(wt);
        double[] bias = b == null ? null : Doubles.of(b.initializer());
        ElementType type = wt.elementType();
        Tensor newW = Doubles.toTensor(type, dims, affine.scaleAlong(wd, dims, 1));
        Tensor newB = Doubles.toTensor(type, new long[] {dims[0]}, affine.biasBefore(wd, dims, bias));
        Value wv = Rewrites.replaceContents(g, uses, names, w, conv, newW);
        Value bv = b != null ? Rewrites.replaceContents(g, uses, names, b, conv, newB)
                : g.addInitializer(names.freshName(conv.output(0).name() + "_bias"), newB);
        conv.setInput(0, bn.input(0));
        conv.setInput(1, wv);
        if (conv.inputs().size() > 2) {
            conv.setInput(2, bv);
        } else {
            conv.addInput(bv);
        }
        g.nodes().remove(bn);
        return null;
    }
}
