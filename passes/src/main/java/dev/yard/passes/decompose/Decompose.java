package dev.yard.passes.decompose;

import com.google.auto.service.AutoService;
import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Outcome;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.OptionSpec;
import dev.yard.passes.Pass;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassDefinition;
import dev.yard.passes.PassOptions;
import dev.yard.passes.PipelineState;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.conv.ConvNodes;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.Layer;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.InputCovariance;
import dev.yard.passes.linalg.LowRankFactors;
import dev.yard.passes.linalg.Method;
import dev.yard.passes.linalg.RankSelection;
import dev.yard.passes.linalg.TruncatedSvd;
import dev.yard.passes.rewrite.GraphIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code decompose}: replaces dense convolutions and fully-connected layers by factor chains
 * (svd, tucker2, btd, cp, tt; see DESIGN.md's family of factorized convolutions), with ranks
 * from the {@code rank} option or per layer from a rank plan. A chain is only emitted when the
 * context's cost model says it costs less than the layer it replaces (MAC counts unless a
 * target's model is given); every layer left alone is reported with the reason.
 */
public final class Decompose implements Pass {

    /** The pipeline declaration of {@code decompose}. */
    @AutoService(PassDefinition.class)
    public static final class Definition extends PassDefinition {
        public Definition() {
            super(
                    "decompose",
                    "Replace Conv, Gemm and MatMul layers by low-rank factor chains.",
                    List.of(
                            OptionSpec.choice(
                                    "method",
                                    Method.choices(),
                                    "auto",
                                    "svd, tucker2, btd, cp, tt; auto: svd for 1x1 convs and matrices, tucker2 otherwise"),
                            OptionSpec.string(
                                    "rank", "evbmf", "ranks: N, a fraction, evbmf, err:E, energy:F or params:P"),
                            OptionSpec.integer("groups", 4, "groups of the btd chain's middle conv"),
                            OptionSpec.integer(
                                    "round", 1, "round ranks to a multiple of this (8, 16 for vector units)"),
                            OptionSpec.string(
                                    "plan", null, "JSON rank plan: layer -> method and ranks (overrides the rest)"),
                            OptionSpec.string(
                                    "layers", null, "comma-separated layer names to decompose (default: all)"),
                            OptionSpec.costModel(),
                            OptionSpec.bool("force", false, "emit chains even when they cost more than the layer"),
                            OptionSpec.bool(
                                    "correct-bias",
                                    true,
                                    "with calibration data, add to each svd or tucker2 chain's "
                                            + "last bias how far it moves the layer's mean output on that data"),
                            OptionSpec.bool(
                                    "calibrate",
                                    true,
                                    "with calibration data, minimise each layer's output error "
                                            + "on real inputs rather than its weight error (svd, tucker2)"),
                            OptionSpec.integer(
                                    "stages",
                                    1,
                                    "with calibration data, fit the layers in this many stages, "
                                            + "each from the inputs the model with the earlier stages replaced feeds it, to reproduce "
                                            + "the original layer's outputs (sequential fitting; 1: every layer from the original's)"),
                            OptionSpec.choice(
                                    "precision",
                                    List.of("model", "f32"),
                                    "model",
                                    "conv chains of f16 and bf16 "
                                            + "layers: model keeps their type; f32 stores and computes the chain in f32 between two Casts")));
        }

        @Override
        public String notApplicableTo(PassOptions o, PipelineState state) {
            if (state.calibration()) {
                return null;
            }
            if (o.integer("stages") > 1) {
                return "stages=" + o.integer("stages") + " fits on calibration data, and there is none "
                        + "(give --calibration)";
            }
            if (o.isGiven("calibrate") && o.bool("calibrate")) {
                return "calibrate=true fits on calibration data, and there is none (give --calibration)";
            }
            return null;
        }

        @Override
        public Pass create(PassOptions o) {
            if (o.integer("groups") < 1 || o.integer("round") < 1 || o.integer("stages") < 1) {
                throw dev.yard.ir.YardException.badInput("decompose: groups, round and stages must be at least 1");
            }
            String m = o.string("method");
            return new Decompose(
                            m.equals("auto") ? null : Method.of(m),
                            RankSpec.parse(o.string("rank")),
                            (int) o.integer("groups"),
                            (int) o.integer("round"),
                            o.string("plan") == null ? null : RankPlan.read(o.string("plan")),
                            // Set.copyOf, not Set.of: a layer named twice is simply named.
                            o.string("layers") == null
                                    ? null
                                    : Set.copyOf(
                                            Arrays.asList(o.string("layers").split(","))),
                            o.bool("force"),
                            o.bool("calibrate"),
                            o.string("precision").equals("f32"))
                    .correctingBias(o.bool("correct-bias"))
                    .inStages((int) o.integer("stages"));
        }
    }

    private final Method method;
    private final RankSpec rank;
    private final int groups;
    private final int multiple;
    private final RankPlan plan;
    private final Set<String> only;
    private final boolean force;
    private final boolean calibrate;
    private final boolean widen;

    Decompose(
            Method method,
            RankSpec rank,
            int groups,
            int multiple,
            RankPlan plan,
            Set<String> only,
            boolean force,
            boolean calibrate,
            boolean widen) {
        this.method = method;
        this.rank = rank;
        this.groups = groups;
        this.multiple = multiple;
        this.plan = plan;
        this.only = only;
        this.force = force;
        this.calibrate = calibrate;
        this.widen = widen;
    }

    private java.util.Map<String, Double> layerErrors;
    private boolean roundingRefit = true;

    /**
     * Skips refitting factors to the stored precision (f16 layers without calibration): for
     * trials, where the rougher fit only makes a choice more careful.
     */
    Decompose withoutRoundingRefit() {
        this.roundingRefit = false;
        return this;
    }

    private FitCache fits;
    private boolean fitOnly;
    private boolean correctBias;
    private int stages = 1;
    /** Fits made while a stage's statistics were at hand, by layer, applied once it is measured. */
    private Map<Node, Object> captured;
    /** Whether conv and matrix only fit into {@link #captured}, changing nothing. */
    private boolean capturing;

    /** A fully-connected layer's fit, with its error on the calibration data. */
    private record MatrixFit(LowRankFactors factors, double outputError, boolean sequential) {}

    /**
     * With calibration data, fits the layers in {@code stages} stages, each from the inputs the
     * model with the earlier stages replaced feeds it (sequential fitting); 1: all at once.
     */
    Decompose inStages(int stages) {
        this.stages = stages;
        return this;
    }

    /**
     * With calibration data, adds to each svd or tucker2 chain's last bias how far the chain
     * moves the layer's mean output on that data (bias correction).
     */
    Decompose correctingBias(boolean on) {
        this.correctBias = on;
        return this;
    }

    /**
     * Takes fits from {@code cache} when it has them and puts new ones into it; with
     * {@code fitOnly}, fits (and records errors) without changing the model.
     */
    Decompose withFits(FitCache cache, boolean fitOnly) {
        this.fits = cache;
        this.fitOnly = fitOnly;
        return this;
    }

    /** Records each decomposed layer's own error (see {@link Fit#layerError()}) into {@code errors}, by layer name. */
    Decompose recordingErrors(java.util.Map<String, Double> errors) {
        this.layerErrors = errors;
        return this;
    }

    /** What one layer will be decomposed with: explicit ranks, or a spec to choose them by. */
    record LayerChoice(Method method, int[] ranks, RankSpec spec, int groups) {}

    @Override
    public boolean run(Model model, PassContext context) {
        Graph g = model.graph();
        GraphIndex index = new GraphIndex(model, g);
        List<Node> layers = new ArrayList<>();
        for (Node n : g.nodes()) {
            if ((n.is("Conv") || n.is("Gemm") || n.is("MatMul")) && (only == null || only.contains(layerName(n)))) {
                layers.add(n);
            }
        }
        if (only != null) {
            java.util.Set<String> missing = new java.util.TreeSet<>(only);
            layers.forEach(n -> missing.remove(layerName(n)));
            if (!missing.isEmpty()) {
                throw dev.yard.ir.YardException.badInput(
                        "decompose: layers: no Conv, Gemm or MatMul named " + String.join(", ", missing));
            }
        }
        boolean calibrated = calibrate && context.calibration() != null && !layers.isEmpty();
        return calibrated
                ? inStages(model, layers, index, context)
                : replace(model, layers, index, context, 0, layers.size());
    }

    /**
     * Calibrated fitting, in {@code stages} runs of layers of about equal size, in graph order:
     * the first fitted on the original's activations, each later one on what the model with
     * the earlier stages replaced feeds it, paired with what the original feeds it (sequential
     * fitting). A stage's activations are measured in groups of layers; each group's layers are
     * fitted as it is handed over and its statistics let go, and the fits are applied once the
     * whole stage is measured, so that every group of a stage sees the same model.
     */
    private boolean inStages(Model model, List<Node> layers, GraphIndex index, PassContext context) {
        if (plan != null) {
            // Only the planned layers change the model: the stages are made of them.
            List<Node> planned = new ArrayList<>();
            for (Node n : layers) {
                if (plan.layers().containsKey(layerName(n))) {
                    planned.add(n);
                } else {
                    context.skipped(n, NOT_PLANNED);
                }
            }
            layers = planned;
            if (layers.isEmpty()) {
                return false;
            }
        }
        Model original = model.copy();
        Map<String, Node> originalLayers = new java.util.HashMap<>();
        for (Node n : original.graph().nodes()) {
            originalLayers.putIfAbsent(layerName(n), n);
        }
        boolean changed = false;
        int count = Math.min(stages, layers.size());
        for (int s = 0; s < count; s++) {
            int from = s * layers.size() / count;
            List<Node> stage = layers.subList(from, (s + 1) * layers.size() / count);
            Map<Node, Node> here = new java.util.LinkedHashMap<>();
            for (Node n : stage) {
                Node o = originalLayers.get(layerName(n));
                if (o != null) {
                    here.put(o, n);
                }
            }
            context.progress(
                    "measuring activations for calibration" + (count > 1 ? ", stage " + (s + 1) + " of " + count : ""));
            // The fits are made with a context whose remarks are dropped: the layers are
            // reported once, when the fits are applied.
            PassContext quiet = context.trial(null);
            captured = new java.util.IdentityHashMap<>();
            capturing = true;
            java.util.function.Consumer<Map<Node, InputCovariance>> fitGroup = group -> {
                for (Map.Entry<Node, Node> e : here.entrySet()) {
                    InputCovariance cov = group.get(e.getKey());
                    if (cov == null) {
                        continue;
                    }
                    Node n = e.getValue();
                    context.progress("fitting " + layerName(n));
                    LayerChoice choice = choose(n, layerName(n), quiet);
                    if (choice == null) {
                        continue;
                    }
                    if (n.is("Conv")) {
                        conv(n, layerName(n), choice, cov, model.graph(), index, quiet);
                    } else {
                        matrix(n, layerName(n), choice, cov, model.graph(), index, quiet, model.defaultOpset());
                    }
                }
            };
            try {
                if (s == 0) {
                    context.calibration().inputCovariances(original, List.copyOf(here.keySet()), fitGroup);
                } else {
                    context.calibration().pairedCovariances(original, model, List.copyOf(here.keySet()), fitGroup);
                }
                capturing = false;
                changed |= replace(model, stage, index, context, from, layers.size());
            } finally {
                capturing = false;
                captured = null;
            }
        }
        return changed;
    }

    /** Replaces each of {@code layers} as chosen, with the fits captured for them when there are some. */
    private boolean replace(
            Model model, List<Node> layers, GraphIndex index, PassContext context, int done, int total) {
        Graph g = model.graph();
        boolean changed = false;
        for (Node n : layers) {
            String name = layerName(n);
            context.progress("layer " + (++done) + " of " + total + ": " + name);
            LayerChoice choice = choose(n, name, context);
            if (choice == null) {
                continue;
            }
            changed |= n.is("Conv")
                    ? conv(n, name, choice, null, g, index, context)
                    : matrix(n, name, choice, null, g, index, context, model.defaultOpset());
        }
        return changed;
    }

    private static final String NOT_PLANNED = "not in the rank plan";

    static String layerName(Node n) {
        return n.name().isEmpty() && n.output(0) != null ? n.output(0).name() : n.name();
    }

    private LayerChoice choose(Node n, String name, PassContext context) {
        if (plan != null) {
            RankPlan.Entry e = plan.layers().get(name);
            if (e == null) {
                context.skipped(n, NOT_PLANNED);
                return null;
            }
            return new LayerChoice(e.method(), e.ranks(), e.spec(), e.groups());
        }
        return new LayerChoice(method, null, rank, groups);
    }

    private boolean conv(
            Node n,
            String name,
            LayerChoice choice,
            InputCovariance cov,
            Graph g,
            GraphIndex index,
            PassContext context) {
        Outcome<ConvLayer> read = ConvLayer.read(n);
        if (!read.ok()) {
            context.skipped(n, read.whyNot());
            return false;
        }
        ConvLayer c = read.value();
        if (c.group() != 1) {
            context.skipped(n, "grouped conv (group=" + c.group() + "): decompose factorizes group=1 convs");
            return false;
        }
        if (!ConvChain.supported(c.elementType())) {
            context.skipped(n, "weights of type " + c.elementType().textName());
            return false;
        }
        // Each block needs a rank of its own, and the blocks together can use at most the
        // kernel's output-mode rank; more groups only fail in the numerical core.
        int maxGroups = Math.min(c.out(), c.in() * c.kh() * c.kw());
        if (choice.method() == Method.BTD && choice.groups() > maxGroups) {
            context.skipped(
                    n,
                    "btd with " + choice.groups() + " groups: this conv's output-mode rank allows at most "
                            + maxGroups);
            return false;
        }
        boolean pointwise = c.kh() == 1 && c.kw() == 1;
        Method m = choice.method() != null ? choice.method() : pointwise ? Method.SVD : Method.TUCKER2;
        if (pointwise && m.needsSpatialKernel()) {
            context.skipped(n, m.text() + " needs a spatial kernel; this conv is 1x1 (use svd)");
            return false;
        }
        ElementType stored = c.elementType();
        if (widen && (stored == ElementType.FLOAT16 || stored == ElementType.BFLOAT16)) {
            c = c.withElementType(ElementType.FLOAT);
        }
        String what = choice.ranks() == null ? null : FitCache.what(m.text(), choice.ranks(), choice.groups());
        Fit fit = captured != null && captured.get(n) instanceof Fit f
                ? f
                : fits == null || what == null ? null : fits.conv(name, what);
        if (fit == null) {
            DenseTensor kernel = ConvChain.kernel(c);
            RankSelection.Layer layer =
                    new RankSelection.Layer(c.out(), c.in(), c.kh(), c.kw(), pixels(n.input(0)), pixels(n.output(0)));
            Outcome<Fit> fitted = Fit.conv(m, c, kernel, choice, layer, multiple, cov, roundingRefit, correctBias);
            if (!fitted.ok()) {
                context.skipped(n, m.text() + ": " + fitted.whyNot());
                return false;
            }
            fit = fitted.value();
            if (fits != null && what != null) {
                fits.put(name, what, fit);
            }
        }
        if (capturing) {
            captured.put(n, fit);
            return false;
        }
        if (fitOnly) {
            if (layerErrors != null) {
                layerErrors.put(name, fit.layerError());
            }
            return false;
        }
        int[] nhw = inputSize(n.input(0), context);
        CostModel costs = context.costModel();
        Cost dense = costs.layer(Layer.Conv.of(c, nhw[0], nhw[1], nhw[2]));
        Cost chain = costs.chain(Layer.chain(fit.convs(), nhw[0], nhw[1], nhw[2]));
        if (chain.seconds() >= dense.seconds() && !force) {
            context.skipped(
                    n,
                    String.format(
                            Locale.ROOT,
                            "%s ranks %s would cost %s on %s, not less than the layer's %s",
                            m.text(),
                            Arrays.toString(fit.ranks()),
                            costs.describe(chain),
                            costs.name(),
                            costs.describe(dense)));
            return false;
        }
        List<Node> nodes = new ArrayList<>();
        boolean cast = c.elementType() != stored;
        Value in = cast
                ? castTo(ElementType.FLOAT, n.input(0), name + "_f32", name + "_to_float", nodes, index)
                : n.input(0);
        Value result = cast ? new Value(index.freshName(name + "_f32_out"), null) : n.output(0);
        List<ConvLayer> convs = fit.convs();
        for (int i = 0; i < convs.size(); i++) {
            boolean last = i == convs.size() - 1;
            Value out = last ? result : new Value(index.freshName(name + "_" + m.text() + "_" + (i + 1)), null);
            // A factor's node is named like the value it computes; the last keeps the layer's name.
            String nodeName = last ? name : out.name();
            nodes.add(ConvNodes.emit(convs.get(i), in, out, nodeName, index));
            in = out;
        }
        Node lastConv = nodes.get(nodes.size() - 1);
        if (cast) {
            Node back = new Node(
                    index.freshName(name + "_to_" + stored.textName()),
                    "",
                    "Cast",
                    List.of(result),
                    List.of(n.output(0)));
            back.setAttribute(Attribute.of("to", (long) stored.code()));
            nodes.add(back);
        }
        index.replace(List.of(n), nodes);
        if (layerErrors != null) {
            layerErrors.put(name, fit.layerError());
        }
        context.applied(
                lastConv,
                String.format(
                        Locale.ROOT,
                        "%s ranks %s: %,d -> %,d parameters, relative weight error %.3g%s",
                        m.text(),
                        Arrays.toString(fit.ranks()),
                        c.parameters(),
                        convs.stream().mapToLong(ConvLayer::parameters).sum(),
                        fit.relativeError(),
                        fit.note()));
        return true;
    }

    private boolean matrix(
            Node n,
            String name,
            LayerChoice choice,
            InputCovariance cov,
            Graph g,
            GraphIndex index,
            PassContext context,
            long opset) {
        Value w = n.input(1);
        if (w == null || !w.isInitializer() || w.initializer().rank() != 2) {
            context.skipped(n, "the weight is not a constant matrix");
            return false;
        }
        if (choice.method() != null && choice.method() != Method.SVD) {
            context.skipped(n, choice.method().text() + " applies to convolutions; fully-connected layers take svd");
            return false;
        }
        if (n.is("Gemm") && n.intAttr("transA", 0) != 0) {
            context.skipped(n, "Gemm with transA=1");
            return false;
        }
        Tensor b = w.initializer();
        ElementType type = b.elementType();
        if (!ConvChain.supported(type)) {
            context.skipped(n, "weights of type " + type.textName());
            return false;
        }
        boolean transB = n.is("Gemm") && n.intAttr("transB", 0) != 0;
        DenseTensor weight = MatrixChain.gemmWeight(b, transB);
        int rows = weight.dim(0);
        int cols = weight.dim(1);
        RankSelection.Layer layer = RankSelection.Layer.of(rows, cols, 1, 1);
        Outcome<int[]> ranks = choice.ranks() != null
                ? Outcome.of(choice.ranks())
                : RankChooser.choose(choice.spec(), Method.SVD, weight.reshape(rows, cols, 1, 1), layer, 1, multiple);
        if (!ranks.ok()) {
            context.skipped(n, "svd: " + ranks.whyNot());
            return false;
        }
        int[] r = ranks.value();
        long dense = (long) rows * cols;
        long chain = (long) r[0] * (rows + cols);
        int batchRows = matrixRows(n.input(0), context);
        CostModel costs = context.costModel();
        Cost denseCost = costs.layer(new Layer.Matrix(type, batchRows, cols, rows));
        Cost chainCost = costs.chain(
                List.of(new Layer.Matrix(type, batchRows, cols, r[0]), new Layer.Matrix(type, batchRows, r[0], rows)));
        if (chainCost.seconds() >= denseCost.seconds() && !force) {
            context.skipped(
                    n,
                    String.format(
                            Locale.ROOT,
                            "svd rank %d would cost %s on %s, not less than the layer's %s",
                            r[0],
                            costs.describe(chainCost),
                            costs.name(),
                            costs.describe(denseCost)));
            return false;
        }
        int rank = Math.min(r[0], Math.min(rows, cols));
        String what = FitCache.what(Method.SVD.text(), new int[] {rank}, 1);
        MatrixFit mf = captured != null && captured.get(n) instanceof MatrixFit c ? c : null;
        LowRankFactors f = mf != null ? mf.factors() : fits == null ? null : fits.factors(name, what);
        boolean calibrated = cov != null && cov.dimension() == cols;
        if (f == null) {
            f = calibrated ? TruncatedSvd.fitWhitened(cov.target(weight), rank, cov) : TruncatedSvd.fit(weight, rank);
            if (fits != null) {
                fits.put(name, what, f);
            }
        }
        boolean sequential = mf != null ? mf.sequential() : calibrated && cov.paired();
        double outputError = mf != null
                ? mf.outputError()
                : sequential ? cov.errorAgainstOriginal(weight, f.reconstruct()) : f.relativeOutputError();
        if (capturing) {
            captured.put(n, new MatrixFit(f, outputError, sequential));
            return false;
        }
        if (fitOnly) {
            if (layerErrors != null) {
                layerErrors.put(name, Double.isNaN(outputError) ? f.relativeError() : outputError);
            }
            return false;
        }
        List<Node> nodes = n.is("Gemm")
                ? MatrixChain.gemm(n, f, type, name, g, index, opset)
                : MatrixChain.matmul(n, f, type, name, g, index);
        index.replace(List.of(n), nodes);
        if (layerErrors != null) {
            layerErrors.put(name, Double.isNaN(outputError) ? f.relativeError() : outputError);
        }
        context.applied(
                nodes.get(1),
                String.format(
                        Locale.ROOT,
                        "svd rank %d: %,d -> %,d parameters, relative " + "weight error %.3g%s%s",
                        f.rank(),
                        dense,
                        chain,
                        f.relativeError(),
                        Fit.outputError(outputError),
                        sequential ? ", fitted to the inputs of the model with earlier layers replaced" : ""));
        return true;
    }

    /** A Cast of {@code v} to {@code type}, appended to {@code nodes}; returns the cast value. */
    private static Value castTo(
            ElementType type, Value v, String name, String node, List<Node> nodes, GraphIndex index) {
        Value out = new Value(index.freshName(name), null);
        Node cast = new Node(index.freshName(node), "", "Cast", List.of(v), List.of(out));
        cast.setAttribute(Attribute.of("to", (long) type.code()));
        nodes.add(cast);
        return out;
    }

    /** Dims of {@code v} for pricing: see {@link PassContext#pricingDims}; 1 for what stays unknown (costs then compare weights only). */
    private static long[] pricingDims(Value v, PassContext context) {
        long[] d = context.pricingDims(v);
        if (d != null || v == null || v.shape() == null) {
            return d;
        }
        Shape s = v.shape();
        d = new long[s.rank()];
        for (int i = 0; i < d.length; i++) {
            d[i] = s.dim(i).isKnown() ? Math.max(1, s.dim(i).sizeOrNegative()) : 1;
        }
        return d;
    }

    /** Batch, height and width of an NCHW value for pricing. */
    private static int[] inputSize(Value v, PassContext context) {
        long[] d = pricingDims(v, context);
        if (d == null || d.length != 4) {
            return new int[] {1, 1, 1};
        }
        return new int[] {(int) d[0], (int) d[2], (int) d[3]};
    }

    /** Rows a matrix product reads: every dimension of its input but the last. */
    private static int matrixRows(Value v, PassContext context) {
        long[] d = pricingDims(v, context);
        if (d == null || d.length < 2) {
            return 1;
        }
        long rows = 1;
        for (int i = 0; i < d.length - 1; i++) {
            rows *= d[i];
        }
        return (int) Math.min(rows, Integer.MAX_VALUE);
    }

    /** Spatial size of an NCHW value, 1 when unknown (costs then compare weights only). */
    private static long pixels(Value v) {
        Shape s = v == null ? null : v.shape();
        if (s == null || s.rank() != 4 || !s.dim(2).isKnown() || !s.dim(3).isKnown()) {
            return 1;
        }
        return s.dim(2).sizeOrNegative() * s.dim(3).sizeOrNegative();
    }
}
