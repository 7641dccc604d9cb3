package dev.yard.passes.fold;

import com.google.auto.service.AutoService;
import dev.yard.ir.ConvGeometry;
import dev.yard.ir.ElementType;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Outcome;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.Pass;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassDefinition;
import dev.yard.passes.PassOptions;
import dev.yard.passes.numeric.ChannelAffine;
import dev.yard.passes.numeric.Doubles;
import dev.yard.passes.rewrite.GraphIndex;
import dev.yard.passes.rewrite.RewriteDriver;
import dev.yard.passes.rewrite.RewriteRule;
import dev.yard.passes.rewrite.Rewrites;
import java.util.List;
import java.util.Set;

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
    @AutoService(PassDefinition.class)
    public static final class Definition extends PassDefinition {
        public Definition() {
            super("fold-batchnorm", "Fold inference BatchNormalization into a neighbouring Conv or Gemm.", List.of());
        }

        @Override
        public Pass create(PassOptions options) {
            return new FoldBatchNorm();
        }
    }

    @Override
    public boolean run(Model model, PassContext context) {
        GraphIndex index = new GraphIndex(model, model.graph());
        return RewriteDriver.run(index, context, List.of(new Fold(context)));
    }

    /** A BatchNormalization into its producer, else into its consumer, else why neither. */
    private record Fold(PassContext context) implements RewriteRule {
        @Override
        public Set<String> rootOps() {
            return Set.of("BatchNormalization");
        }

        @Override
        public Match match(Node bn, GraphIndex index) {
            Graph g = index.graph();
            Outcome<ChannelAffine> affine = affineOf(g, bn);
            if (!affine.ok()) {
                return Match.notApplicable(bn, affine.whyNot());
            }
            Outcome<Runnable> intoProducer = intoProducer(g, index, bn, affine.value());
            if (intoProducer.ok()) {
                String producer = bn.input(0).producer().describe();
                return Match.rewrite(() -> {
                    intoProducer.value().run();
                    context.applied(bn, "folded into the producing " + producer);
                });
            }
            Outcome<Runnable> intoConsumer = intoConsumer(g, index, bn, affine.value());
            if (intoConsumer.ok()) {
                return Match.rewrite(() -> {
                    intoConsumer.value().run();
                    context.applied(bn, "folded into the following Conv");
                });
            }
            return Match.notApplicable(bn, intoProducer.whyNot() + "; " + intoConsumer.whyNot());
        }
    }

    /** The BatchNormalization's map; cheap checks on the node itself first. */
    private static Outcome<ChannelAffine> affineOf(Graph g, Node bn) {
        long outputs = bn.outputs().stream().filter(v -> v != null).count();
        if (outputs != 1 || bn.intAttr("training_mode", 0) != 0) {
            return Outcome.not("training mode (" + outputs + " outputs): only inference BatchNormalization folds");
        }
        String[] roles = {"scale", "B", "mean", "var"};
        double[][] p = new double[4][];
        for (int i = 0; i < 4; i++) {
            Value v = bn.input(i + 1);
            if (!Rewrites.isConstant(g, v)) {
                return Outcome.not(roles[i] + " " + (v == null ? "is missing" : v.name() + " is not an initializer"));
            }
            p[i] = Doubles.of(v.initializer());
        }
        try {
            return Outcome.of(ChannelAffine.ofBatchNorm(p[0], p[1], p[2], p[3], bn.floatAttr("epsilon", 1e-5f)));
        } catch (ArithmeticException e) {
            return Outcome.not(e.getMessage());
        }
    }

    /** The fold into the Conv or Gemm producing the input, or why not. */
    private static Outcome<Runnable> intoProducer(Graph g, GraphIndex index, Node bn, ChannelAffine affine) {
        Value x = bn.input(0);
        Node p = x.producer();
        if (p == null || !index.contains(p) || !(p.is("Conv") || p.is("Gemm"))) {
            return Outcome.not("input " + x.name() + " is not computed by a Conv or Gemm");
        }
        if (!index.onlyReadBy(x, bn)) {
            return Outcome.not("input " + x.name() + " has another user");
        }
        Value w = p.input(1);
        Value b = p.input(2);
        if (!Rewrites.isConstant(g, w) || (b != null && !Rewrites.isConstant(g, b))) {
            return Outcome.not(p.describe() + " has weights or bias that are not initializers");
        }
        Tensor wt = w.initializer();
        if (!Doubles.isSupported(wt.elementType())) {
            return Outcome.not("weights of type " + wt.elementType().textName() + " are not folded");
        }
        int axis;
        if (p.is("Conv")) {
            axis = 0;
        } else {
            if (p.floatAttr("alpha", 1f) != 1f || p.floatAttr("beta", 1f) != 1f) {
                return Outcome.not(p.describe() + " has alpha or beta other than 1");
            }
            axis = p.intAttr("transB", 0) != 0 ? 0 : 1;
        }
        long[] dims = wt.dims();
        if (dims.length < 2 || dims[axis] != affine.channels()) {
            return Outcome.not(p.describe() + " has " + (dims.length < 2 ? "?" : dims[axis])
                    + " output channels, the BatchNormalization " + affine.channels());
        }
        double[] bias = null;
        if (b != null) {
            Tensor bt = b.initializer();
            if (bt.elementCount() != affine.channels() || bt.elementType() != wt.elementType()) {
                return Outcome.not("bias " + b.name() + " is " + bt + ", not one value per output channel");
            }
            bias = Doubles.of(bt);
        }
        double[] oldBias = bias;
        int along = axis;
        return Outcome.of(() -> {
            Tensor newW = Doubles.toTensor(wt.elementType(), dims, affine.scaleAlong(Doubles.of(wt), dims, along));
            Tensor newB = Doubles.toTensor(wt.elementType(), new long[] {affine.channels()}, affine.biasAfter(oldBias));
            Value wv = Rewrites.replaceContents(index, w, p, newW);
            Value bv = b != null
                    ? Rewrites.replaceContents(index, b, p, newB)
                    : g.addInitializer(index.freshName(bn.output(0).name() + "_bias"), newB);
            // The producer now defines the BatchNormalization's output, so its name and users stay.
            Node fused = Rewrites.withOutputs(p, List.of(bn.output(0)));
            fused.setInput(1, wv);
            if (fused.inputs().size() > 2) {
                fused.setInput(2, bv);
            } else {
                fused.addInput(bv);
            }
            index.replaceAtFirst(List.of(p, bn), List.of(fused));
        });
    }

    /** The fold into the one Conv reading the output, or why not. */
    private static Outcome<Runnable> intoConsumer(Graph g, GraphIndex index, Node bn, ChannelAffine affine) {
        Value y = bn.output(0);
        if (index.isGraphOutput(y)) {
            return Outcome.not("its output " + y.name() + " is a graph output");
        }
        if (index.useCount(y) != 1) {
            return Outcome.not("its output " + y.name() + " has " + index.useCount(y) + " users, not one Conv");
        }
        Node conv = index.users(y).get(0);
        if (!conv.is("Conv") || conv.input(0) != y) {
            return Outcome.not("the user of " + y.name() + " is not a Conv reading it as data");
        }
        if (conv.intAttr("group", 1) != 1) {
            return Outcome.not(
                    "the following " + conv.describe() + " has group=" + conv.intAttr("group", 1) + " (needs 1)");
        }
        Outcome<ConvGeometry> geometry = ConvGeometry.of(conv);
        if (!geometry.ok()) {
            return Outcome.not("the following " + conv.describe() + ": " + geometry.whyNot());
        }
        if (geometry.value().hasPadding()) {
            return Outcome.not(
                    "the following " + conv.describe() + " pads its input, so a shift cannot move into it exactly");
        }
        Value w = conv.input(1);
        Value b = conv.input(2);
        if (!Rewrites.isConstant(g, w) || (b != null && !Rewrites.isConstant(g, b))) {
            return Outcome.not("the following " + conv.describe() + " has weights or bias that are not initializers");
        }
        Tensor wt = w.initializer();
        long[] dims = wt.dims();
        if (!Doubles.isSupported(wt.elementType()) || dims.length < 3 || dims[1] != affine.channels()) {
            return Outcome.not("the following " + conv.describe() + " has weights " + wt + " that do not match "
                    + affine.channels() + " channels");
        }
        return Outcome.of(() -> {
            double[] wd = Doubles.of(wt);
            double[] bias = b == null ? null : Doubles.of(b.initializer());
            ElementType type = wt.elementType();
            Tensor newW = Doubles.toTensor(type, dims, affine.scaleAlong(wd, dims, 1));
            Tensor newB = Doubles.toTensor(type, new long[] {dims[0]}, affine.biasBefore(wd, dims, bias));
            Value wv = Rewrites.replaceContents(index, w, conv, newW);
            Value bv = b != null
                    ? Rewrites.replaceContents(index, b, conv, newB)
                    : g.addInitializer(index.freshName(conv.output(0).name() + "_bias"), newB);
            index.setInput(conv, 0, bn.input(0));
            index.setInput(conv, 1, wv);
            index.setInput(conv, 2, bv);
            index.remove(bn);
        });
    }
}
