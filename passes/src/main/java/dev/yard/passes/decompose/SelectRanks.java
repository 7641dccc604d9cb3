package dev.yard.passes.decompose;

import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.YardException;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.ir.text.OnnxTextPrinter;
import dev.yard.ir.text.OnnxTextReader;
import dev.yard.passes.FidelityOracle;
import dev.yard.passes.OptionSpec;
import dev.yard.passes.Pass;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassDefinition;
import dev.yard.passes.PassOptions;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.cost.Chains;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.Layer;
import dev.yard.passes.cost.ModelPricing;
import dev.yard.passes.linalg.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code select-ranks}: chooses per layer whether to decompose it, and at which rank, from the
 * cost model and the model's fidelity on evaluation inputs. Each layer's candidates (svd for
 * 1x1 convs and matrices, tucker2 for spatial convs, at the rank fractions given) are priced;
 * layers are visited from the largest saving down, and each takes its cheapest candidate whose
 * whole model, with the layers already chosen, stays within the error budget, or stays dense.
 * Training-free: fidelity comes from choosing, and from fitting on calibration activations
 * when there are any.
 */
public final class SelectRanks implements Pass {

    /** The pipeline declaration of {@code select-ranks}. */
    public static final class Definition extends PassDefinition {
        public Definition() {
            super("select-ranks", "Choose per layer whether to decompose and at which rank: the cheapest on the cost "
                    + "model whose whole model stays within an error budget on evaluation inputs.", List.of(
                    OptionSpec.real("budget", 0.02, "largest relative L2 error of the outputs on evaluation inputs"),
                    OptionSpec.string("fractions", "0.25,0.5,0.75", "candidate ranks, as fractions of each layer's full rank"),
                    OptionSpec.integer("round", 1, "round ranks up to a multiple of this (the target's channel alignment)")));
        }

        @Override
        public Pass create(PassOptions o) {
            double budget = o.real("budget");
            if (!(budget > 0) || Double.isInfinite(budget)) {
                throw YardException.badInput("select-ranks: budget must be a positive number, got " + budget);
            }
            double[] fractions;
            try {
                fractions = Arrays.stream(o.string("fractions").split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
            } catch (NumberFormatException e) {
                throw YardException.badInput("select-ranks: fractions must be numbers in (0, 1), got '" + o.string("fractions") + "'");
            }
            for (double f : fractions) {
                if (!(f > 0 && f < 1)) {
                    throw YardException.badInput("select-ranks: fractions must lie in (0, 1), got " + f);
                }
            }
            if (o.integer("round") < 1) {
                throw YardException.badInput("select-ranks: round must be at least 1");
            }
            return new SelectRanks(budget, fractions, (int) o.integer("round"));
        }
    }

    private final double budget;
    private final double[] fractions;
    private final int multiple;

    SelectRanks(double budget, double[] fractions, int multiple) {
        this.budget = budget;
        this.fractions = fractions.clone();
        this.multiple = multiple;
    }

    /** One way to decompose a layer, and what it saves on the cost model. */
    private record Candidate(String layer, Node node, RankPlan.Entry entry, double saving, String what) {}

    @Override
    public boolean run(Model model, PassContext context) {
        FidelityOracle oracle = context.fidelity();
        if (oracle == null) {
            throw YardException.badInput("select-ranks needs evaluation inputs to check fidelity: run it from yard optimize");
        }
        Map<String, List<Candidate>> byLayer = new LinkedHashMap<>();
        for (Node n : model.graph().nodes()) {
            List<Candidate> cs = candidates(n, context);
            if (!cs.isEmpty()) byLayer.put(Decompose.layerName(n), cs);
        }
        if (byLayer.isEmpty()) {
            context.note("no layer has a candidate the cost model prices below the layer");
            return false;
        }
        String original = OnnxTextPrinter.print(model);
        // The layer with the most to save first: a budget spent early should buy the most.
        List<List<Candidate>> order = new ArrayList<>(byLayer.values());
        order.sort(Comparator.comparingDouble((List<Candidate> cs) -> -cs.get(0).saving()));
        Map<String, RankPlan.Entry> chosen = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        int visited = 0;
        for (List<Candidate> cs : order) {
            visited++;
            String rejected = "";
            for (Candidate c : cs) {
                context.progress("layer " + visited + " of " + order.size() + ": " + c.layer() + ", trying " + c.what());
                Map<String, RankPlan.Entry> trial = new LinkedHashMap<>(chosen);
                trial.put(c.layer(), c.entry());
                double error = oracle.error(apply(OnnxTextReader.parse(original, "select-ranks trial"), trial, context.trial()));
                if (error <= budget) {
                    chosen.put(c.layer(), c.entry());
                    notes.put(c.layer(), String.format(Locale.ROOT, "chose %s: saves %s, model error %.3g%s", c.what(),
                            context.costModel().describe(new Cost(c.saving(), 0, false)), error, rejected));
                    break;
                }
                rejected += String.format(Locale.ROOT, "; %s gave %.3g", c.what(), error);
            }
            if (!chosen.containsKey(cs.get(0).layer())) {
                context.skipped(cs.get(0).node(), String.format(Locale.ROOT, "kept dense, every candidate "
                        + "broke the budget of %.3g (%s)", budget, rejected.substring(2)));
            }
        }
        if (chosen.isEmpty()) {
            return false;
        }
        PassContext trial = context.trial();
        boolean changed = new Decompose(null, new RankSpec.Fraction(1), 1, 1, new RankPlan(chosen), null, false, true, false)
                .run(model, trial);
        for (PassContext.Remark r : trial.remarks()) {
            if (r.kind() == PassContext.Kind.APPLIED) context.note(r.node() + ": " + r.message());
        }
        notes.forEach((layer, note) -> context.note(layer + ": " + note));
        context.note(String.format(Locale.ROOT, "%d of %d layers decomposed within a budget of %.3g (%s)", chosen.size(),
                byLayer.size(), budget, oracle.describe()));
        return changed;
    }

    private static Model apply(Model copy, Map<String, RankPlan.Entry> plan, PassContext context) {
        ShapeInference.infer(copy);
        new Decompose(null, new RankSpec.Fraction(1), 1, 1, new RankPlan(plan), null, false, true, false).run(copy, context);
        return copy;
    }

    /** The layer's candidates that the cost model prices below it, most saving first. */
    private List<Candidate> candidates(Node n, PassContext context) {
        Layer dense = pricedLayer(n, context);
        if (dense == null) return List.of();
        CostModel costs = context.costModel();
        double denseCost = costs.layer(dense).seconds();
        List<Candidate> out = new ArrayList<>();
        String name = Decompose.layerName(n);
        for (double f : fractions) {
            Candidate c = candidate(n, name, dense, f);
            if (c == null) continue;
            double saving = denseCost - costs.chain(chain(dense, c.entry())).seconds();
            if (saving > 0) out.add(new Candidate(name, n, c.entry(), saving, c.what()));
        }
        out.sort(Comparator.comparingDouble(c -> -c.saving()));
        return out;
    }

    /** The layer's configuration at the dims it is priced at (the graph's, else the caller's hints), or null. */
    private static Layer pricedLayer(Node n, PassContext context) {
        String[] why = new String[1];
        long[] x = context.pricingDims(n.input(0));
        if (x == null) return null;
        if (n.is("Conv")) {
            ConvLayer c = ConvLayer.of(n, why);
            return c == null || x.length != 4 ? null : Layer.Conv.of(c, (int) x[0], (int) x[2], (int) x[3]);
        }
        return n.is("Gemm") || n.is("MatMul") ? ModelPricing.layerOf(n, why) : null;
    }

    /** The candidate at fraction {@code f} of the full rank, without its saving; null when it does not apply. */
    private Candidate candidate(Node n, String name, Layer dense, double f) {
        if (dense instanceof Layer.Conv c) {
            if (c.group() != 1) return null;
            boolean pointwise = c.kh() == 1 && c.kw() == 1;
            int[] full = RankChooser.full(pointwise ? Method.SVD : Method.TUCKER2, c.out(), c.in(), c.kh(), c.kw());
            int[] r = new int[full.length];
            for (int i = 0; i < r.length; i++) r[i] = rounded(f * full[i], full[i]);
            Method m = pointwise ? Method.SVD : Method.TUCKER2;
            return new Candidate(name, n, new RankPlan.Entry(m, r, null, 1), 0, m.text() + " " + Arrays.toString(r));
        }
        Layer.Matrix mx = (Layer.Matrix) dense;
        int full = Math.min(mx.k(), mx.n());
        int[] r = {rounded(f * full, full)};
        return new Candidate(name, n, new RankPlan.Entry(Method.SVD, r, null, 1), 0, "svd " + Arrays.toString(r));
    }

    private int rounded(double rank, int max) {
        int r = (int) Math.ceil(Math.max(1, rank) / multiple) * multiple;
        return Math.max(1, Math.min(r, max));
    }

    /** The layers of the chain {@code e} makes of {@code dense}. */
    private static List<Layer> chain(Layer dense, RankPlan.Entry e) {
        if (dense instanceof Layer.Matrix m) return Chains.svd(m, e.ranks()[0]);
        Layer.Conv c = (Layer.Conv) dense;
        return e.method() == Method.SVD ? Chains.svd(c, e.ranks()[0]) : Chains.tucker2(c, e.ranks()[0], e.ranks()[1], 1);
    }
}
