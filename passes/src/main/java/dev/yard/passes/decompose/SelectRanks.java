package dev.yard.passes.decompose;

import com.google.auto.service.AutoService;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.YardException;
import dev.yard.passes.Calibration;
import dev.yard.passes.FidelityOracle;
import dev.yard.passes.OptionSpec;
import dev.yard.passes.Pass;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassDefinition;
import dev.yard.passes.PassOptions;
import dev.yard.passes.PipelineState;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.cost.Chains;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.Layer;
import dev.yard.passes.cost.ModelPricing;
import dev.yard.passes.fidelity.Budget;
import dev.yard.passes.fidelity.Evaluation;
import dev.yard.passes.linalg.InputCovariance;
import dev.yard.passes.linalg.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code select-ranks}: chooses per layer whether to decompose it, with which method and at
 * which ranks, from the cost model and the model's fidelity on evaluation inputs. Training-free:
 * fidelity comes from choosing, and from fitting on calibration activations when there are any.
 *
 * <ol>
 *   <li>Candidates: per layer, svd (matrices, 1x1 and spatial convs) and tucker2 (spatial
 *       convs) at the rank fractions given, rounded to the alignment; those the cost model
 *       does not price below the layer are dropped.</li>
 *   <li>Sensitivity: each candidate alone, the rest of the model dense, scored end to end on
 *       the budget's metrics (screened on a few of the evaluation inputs); a candidate that alone breaks the budget is dropped, and of the
 *       rest each layer keeps its Pareto front of saving against relative error.</li>
 *   <li>Start: a Lagrangian sweep, each layer at the point of its front with the most saving
 *       less λ times its error; a binary search over λ, scored end to end, finds the most
 *       aggressive such model that meets the budget (verified on every input).</li>
 *   <li>Choice: from there, the move with the most saving per unit of error added (a layer
 *       stepping to a cheaper point of its front) is taken when the whole model, scored again
 *       end to end, still meets the budget; a move that breaks it is dropped with every more
 *       aggressive point of that layer. Ends when no move is left, or after {@code trials}
 *       steps.</li>
 * </ol>
 */
public final class SelectRanks implements Pass {

    /** The pipeline declaration of {@code select-ranks}. */
    @AutoService(PassDefinition.class)
    public static final class Definition extends PassDefinition {
        public Definition() {
            super(
                    "select-ranks",
                    "Choose per layer whether to decompose, with which method and ranks: the most "
                            + "saving on the cost model whose whole model meets a fidelity budget on evaluation inputs.",
                    List.of(
                            OptionSpec.string(
                                    "budget",
                                    null,
                                    "bounds the result must meet, e.g. iou>=0.97, ctc>=0.95, "
                                            + "argmax>=0.99, rel-l2<=0.02, joined with ';' (default: the caller's, else rel-l2<=0.02)"),
                            OptionSpec.string(
                                    "fractions",
                                    "0.125,0.25,0.375,0.5,0.75",
                                    "candidate ranks, as fractions of each layer's full rank"),
                            OptionSpec.string("methods", "svd,tucker2", "methods to try (svd, tucker2)"),
                            OptionSpec.integer(
                                    "round",
                                    1,
                                    "round ranks up to a multiple of this (the target's channel alignment)"),
                            OptionSpec.real(
                                    "speedup",
                                    0,
                                    "stop at the first model the cost model prices this many times "
                                            + "faster than the input: the most faithful at that speed (0: spend the whole budget)"),
                            OptionSpec.bool(
                                    "correct-bias",
                                    true,
                                    "with calibration data, correct each chain's bias by "
                                            + "how far it moves the layer's mean output"),
                            OptionSpec.integer(
                                    "stages",
                                    1,
                                    "with calibration data, refit the chosen layers in this many "
                                            + "stages, each from the inputs the model with the earlier stages replaced feeds it "
                                            + "(sequential fitting), and keep the refit when it scores better on every evaluation "
                                            + "input (1: no refit)"),
                            OptionSpec.integer(
                                    "trials",
                                    64,
                                    "greedy steps at most after the Lagrangian starting point "
                                            + "(each runs the model on the screening inputs)"),
                            OptionSpec.choice(
                                    "sensitivity",
                                    List.of("layer", "probe", "model"),
                                    "layer",
                                    "how candidates are "
                                            + "screened: layer (each layer's own output error on calibration data, else its weight "
                                            + "error; cheap), probe (those errors scaled per layer by one end-to-end run of a point "
                                            + "of its front on one evaluation input, so that layers compare), or model (each "
                                            + "candidate alone, end to end on evaluation inputs)"),
                            OptionSpec.costModel()));
        }

        @Override
        public Pass create(PassOptions o) {
            double[] fractions;
            try {
                fractions = Arrays.stream(o.string("fractions").split(","))
                        .mapToDouble(s -> Double.parseDouble(s.trim()))
                        .toArray();
            } catch (NumberFormatException e) {
                throw YardException.badInput(
                        "select-ranks: fractions must be numbers in (0, 1), got '" + o.string("fractions") + "'");
            }
            for (double f : fractions) {
                if (!(f > 0 && f < 1)) {
                    throw YardException.badInput("select-ranks: fractions must lie in (0, 1), got " + f);
                }
            }
            Set<Method> methods = new LinkedHashSet<>();
            for (String m : o.string("methods").split(",")) {
                String t = m.trim();
                if (!t.equals("svd") && !t.equals("tucker2")) {
                    throw YardException.badInput("select-ranks: methods: '" + t + "' is not svd or tucker2");
                }
                methods.add(Method.of(t));
            }
            if (o.integer("round") < 1) {
                throw YardException.badInput("select-ranks: round must be at least 1");
            }
            double speedup = o.real("speedup");
            if (!(speedup == 0 || speedup > 1) || Double.isInfinite(speedup)) {
                throw YardException.badInput(
                        "select-ranks: speedup must be a number above 1 (or 0 for none), got " + speedup);
            }
            if (o.integer("trials") < 0) {
                throw YardException.badInput("select-ranks: trials must be at least 0");
            }
            if (o.integer("stages") < 1) {
                throw YardException.badInput("select-ranks: stages must be at least 1");
            }
            return new SelectRanks(
                            o.string("budget"),
                            fractions,
                            methods,
                            (int) o.integer("round"),
                            speedup,
                            o.string("sensitivity"),
                            (int) Math.min(o.integer("trials"), Integer.MAX_VALUE),
                            o.bool("correct-bias"))
                    .inStages((int) Math.min(o.integer("stages"), Integer.MAX_VALUE));
        }

        @Override
        public String notApplicableTo(PassOptions o, PipelineState state) {
            if (!state.evaluationInputs()) {
                return "select-ranks needs evaluation inputs to check fidelity on (yard optimize gives them: --eval, "
                        + "--sample, or seeded random inputs)";
            }
            if (o.integer("stages") > 1 && !state.calibration()) {
                return "stages=" + o.integer("stages") + " refits on calibration data, and there is none "
                        + "(give --calibration)";
            }
            return null;
        }
    }

    private final String budgetText;
    private final double[] fractions;
    private final Set<Method> methods;
    private final int multiple;
    private final double speedup;

    private final boolean endToEnd;
    private final boolean probe;
    private final int maxTrials;
    private final boolean correctBias;
    private int stages = 1;

    /** Refits the chosen layers sequentially in {@code stages} stages (1: no refit). */
    SelectRanks inStages(int stages) {
        this.stages = stages;
        return this;
    }

    SelectRanks(
            String budget,
            double[] fractions,
            Set<Method> methods,
            int multiple,
            double speedup,
            String sensitivity,
            int maxTrials,
            boolean correctBias) {
        this.maxTrials = maxTrials;
        this.correctBias = correctBias;
        this.speedup = speedup;
        this.endToEnd = sensitivity.equals("model");
        this.probe = sensitivity.equals("probe");
        this.budgetText = budget;
        this.fractions = fractions.clone();
        this.methods = Set.copyOf(methods);
        this.multiple = multiple;
    }

    /** One way to decompose a layer: what it saves on the cost model, and its fidelity alone. */
    private static final class Candidate {
        final String layer;
        final RankPlan.Entry entry;
        final String what;
        final double cost;
        final double saving;
        /** Its error as screened: the layer's own, or the whole model's relative L2 with it alone. */
        double error = Double.NaN;
        /** Its layer's sensitivity: what the search weighs {@link #error} by (1 unless probed). */
        double scale = 1;
        /** The whole model with it alone, when screened end to end. */
        Evaluation alone;

        boolean onFront;

        /** Its error as the search weighs it. */
        double weighted() {
            return error * scale;
        }

        /** Its fit's key in the {@link FitCache}. */
        String key() {
            return FitCache.what(entry.method().text(), entry.ranks(), entry.groups());
        }

        Candidate(String layer, RankPlan.Entry entry, String what, double cost, double saving) {
            this.layer = layer;
            this.entry = entry;
            this.what = what;
            this.cost = cost;
            this.saving = saving;
        }
    }

    /** A layer and its candidates. */
    private record LayerCandidates(String name, Node node, double denseCost, List<Candidate> all) {}

    @Override
    public boolean run(Model model, PassContext context) {
        // Not null: the pass manager asked notApplicableTo first.
        FidelityOracle oracle = context.fidelity();
        Budget budget = Budget.parse(budgetText != null ? budgetText : oracle.budget(), oracle.labels());
        Model original = model.copy();
        JsonObject report = new JsonObject();
        report.addProperty("budget", budget.text());
        report.addProperty("evaluated_on", oracle.describe());
        report.addProperty("cost_model", context.costModel().name());
        context.report(report);

        Evaluation base = oracle.evaluate(original.copy(), budget);
        report.add("input", json(base));
        if (!base.meets()) {
            String why = "the input itself scores " + base.describe() + " on " + oracle.describe()
                    + ", outside the budget " + budget.text() + ": nothing to spend, kept every layer";
            report.addProperty("outcome", why);
            context.note(why);
            return false;
        }

        List<LayerCandidates> layers = new ArrayList<>();
        double priced = 0; // every layer the cost model prices: the model's predicted cost
        for (Node n : model.graph().nodes()) {
            LayerCandidates lc = candidates(n, context);
            if (lc == null) {
                continue;
            }
            priced += lc.denseCost();
            if (!lc.all().isEmpty()) {
                layers.add(lc);
            }
        }
        report.addProperty("predicted_seconds", priced);
        if (layers.isEmpty()) {
            report.addProperty("outcome", "no candidate priced below its layer");
            context.note("no layer has a candidate the cost model prices below the layer");
            return false;
        }
        // Every candidate is fitted once, from the input's activations, a group of layers at a
        // time; the trials take the fits from the cache. Calibration needs the heap more than
        // the oracle's cached outputs do.
        FitCache fits = new FitCache();
        java.nio.file.Path kept = keptFits(model, layers, context);
        if (kept != null && restore(kept, layers, fits, context)) {
            context.note("every candidate's fit read from an earlier run: " + kept);
        } else {
            oracle.release();
            fitCandidates(model, layers, context, fits);
            if (kept != null) {
                keep(kept, layers, fits, context);
            }
        }

        Map<String, List<Candidate>> fronts = new LinkedHashMap<>();
        if (endToEnd) {
            int total = layers.stream().mapToInt(l -> l.all().size()).sum();
            int done = 0;
            for (LayerCandidates lc : layers) {
                for (Candidate c : lc.all()) {
                    context.progress("sensitivity " + (++done) + " of " + total + ": " + c.layer + " " + c.what);
                    if (Double.isNaN(c.error)) { // could not be fitted
                        continue;
                    }
                    c.alone = oracle.screen(trial(original, Map.of(c.layer, c.entry), context, fits, null), budget);
                    c.error = c.alone.meets() ? c.alone.relL2() : Double.NaN;
                }
            }
        }
        for (LayerCandidates lc : layers) {
            fronts.put(lc.name(), retainFront(lc, fits));
        }
        if (probe) {
            probeSensitivities(layers, fronts, original, context, fits, oracle, budget);
        }

        // A Lagrangian sweep over the fronts finds a starting point in a few end-to-end runs;
        // greedy steps on the fronts go on from it, each screened end to end, and the result is
        // verified on every input.
        JsonArray trials = new JsonArray();
        int[] tried = {0};
        Search search = new Search(original, context, fits, oracle, budget, priced, trials, tried);
        Map<String, Candidate> start = search.lagrangian(fronts);
        Map<String, Candidate> chosen = new LinkedHashMap<>(start);
        Map<String, Double> ceiling = new HashMap<>(); // per layer: savings at or above this broke the budget
        List<String[]> accepted = new ArrayList<>(); // {layer, what it replaced}, for backing off
        Map<String, Candidate> byWhat = new HashMap<>();
        for (LayerCandidates lc : layers) {
            for (Candidate c : lc.all()) {
                byWhat.put(c.layer + " " + c.what, c);
            }
        }
        List<String> steps = new ArrayList<>();
        int greedy = 0;
        while (!reached(priced, chosen) && greedy < maxTrials) {
            Candidate best = null;
            double bestRatio = -1;
            for (Map.Entry<String, List<Candidate>> e : fronts.entrySet()) {
                Candidate now = chosen.get(e.getKey());
                double s0 = now == null ? 0 : now.saving;
                double err0 = now == null ? 0 : now.weighted();
                double limit = ceiling.getOrDefault(e.getKey(), Double.POSITIVE_INFINITY);
                for (Candidate c : e.getValue()) {
                    if (c.saving <= s0 || c.saving >= limit) {
                        continue;
                    }
                    double ratio = (c.saving - s0) / Math.max(c.weighted() - err0, 1e-9);
                    if (ratio > bestRatio) {
                        bestRatio = ratio;
                        best = c;
                    }
                }
            }
            if (best == null) {
                break;
            }
            Map<String, Candidate> next = new LinkedHashMap<>(chosen);
            Candidate replaced = next.put(best.layer, best);
            greedy++;
            context.progress(
                    "trial " + (++tried[0]) + ": " + best.layer + " " + best.what + " (" + next.size() + " layers)");
            Evaluation e = oracle.screen(trial(original, plan(next), context, fits, null), budget);
            trials.add(trialJson(best, e, priced - saved(next), "screened"));
            if (e.meets()) {
                chosen = next;
                accepted.add(new String[] {best.layer, replaced == null ? null : replaced.layer + " " + replaced.what});
            } else {
                ceiling.put(best.layer, best.saving);
                steps.add(best.layer + " " + best.what + " gave " + e.describe());
            }
        }
        // Screening looked at some inputs; the choice must hold on all of them, else the last
        // steps are undone until it does (the starting point was verified already).
        Evaluation current = search.startEvaluation() != null ? search.startEvaluation() : base;
        while (!accepted.isEmpty()) {
            context.progress("verifying " + chosen.size() + " layers on every evaluation input");
            current = oracle.evaluate(trial(original, plan(chosen), context, fits, null), budget);
            trials.add(trialJson(null, current, priced - saved(chosen), "verified"));
            if (current.meets()) {
                break;
            }
            String[] last = accepted.remove(accepted.size() - 1);
            steps.add("undid " + last[0] + " " + chosen.get(last[0]).what + ": the model gave " + current.describe()
                    + " on every input");
            if (last[1] == null) {
                chosen.remove(last[0]);
            } else {
                chosen.put(last[0], byWhat.get(last[1]));
            }
            current = search.startEvaluation() != null ? search.startEvaluation() : base;
        }
        report.add("trials", trials);
        JsonArray perLayer = new JsonArray();
        for (LayerCandidates lc : layers) {
            perLayer.add(json(lc, chosen.get(lc.name()), context.costModel()));
        }
        report.add("layers", perLayer);

        if (chosen.isEmpty()) {
            String why = "every candidate broke the budget " + budget.text() + " on " + oracle.describe()
                    + (steps.isEmpty() ? "" : " (" + String.join("; ", steps) + ")");
            report.addProperty("outcome", "kept the input: " + why);
            for (LayerCandidates lc : layers) {
                context.skipped(lc.node(), keptDense(lc, fronts, false));
            }
            context.note("kept the input: " + why);
            return false;
        }
        // Sequential fitting: the chosen layers refitted, stage by stage, to reproduce the
        // original's outputs from what the model with the earlier stages replaced feeds them.
        Model refitted = null;
        PassContext apply = context.trial(null);
        if (stages > 1 && context.calibration() != null) {
            context.progress("refitting " + chosen.size() + " layers sequentially, in " + stages + " stages");
            Model candidate = original.copy();
            PassContext refit = context.trial();
            new Decompose(null, new RankSpec.Fraction(1), 1, 1, new RankPlan(plan(chosen)), null, false, true, false)
                    .withoutRoundingRefit()
                    .correctingBias(correctBias)
                    .inStages(stages)
                    .run(candidate, refit);
            context.progress("verifying the sequential refit on every evaluation input");
            Evaluation e = oracle.evaluate(candidate.copy(), budget);
            trials.add(trialJson(null, e, priced - saved(chosen), "refitted sequentially"));
            String scores = String.format(
                    Locale.ROOT,
                    "%s, output rel. L2 %.3g, against %s, %.3g",
                    e.describe(),
                    e.relL2(),
                    current.describe(),
                    current.relL2());
            if (e.meets() && e.relL2() <= current.relL2()) {
                context.note("refitted sequentially in " + stages + " stages: " + scores);
                refitted = candidate;
                current = e;
                apply = refit;
            } else {
                context.note("kept the fits from the input's activations: refitted sequentially in " + stages
                        + " stages, the model scores " + scores);
            }
        }
        boolean changed;
        if (refitted != null) {
            model.setGraph(refitted.graph());
            changed = true;
        } else {
            // The fits of the trials, so that the model emitted is the model verified.
            changed = new Decompose(
                            null, new RankSpec.Fraction(1), 1, 1, new RankPlan(plan(chosen)), null, false, true, false)
                    .withFits(fits, false)
                    .withoutRoundingRefit()
                    .run(model, apply);
        }
        for (PassContext.Remark r : apply.remarks()) {
            if (r.kind() == PassContext.Kind.APPLIED) {
                context.appliedTo(r.node(), r.message());
            }
        }
        CostModel costs = context.costModel();
        double saving = 0;
        double dense = 0;
        for (LayerCandidates lc : layers) {
            dense += lc.denseCost();
            Candidate c = chosen.get(lc.name());
            if (c == null) {
                context.skipped(lc.node(), keptDense(lc, fronts, reached(priced, chosen)));
            } else {
                saving += c.saving;
                context.applied(
                        lc.node(),
                        String.format(
                                Locale.ROOT,
                                "chose %s, saves %s (%s)",
                                c.what,
                                costs.describe(new Cost(c.saving, 0, false)),
                                c.alone != null
                                        ? "alone: " + c.alone.describe()
                                        : String.format(Locale.ROOT, "layer error %.3g", c.error)));
            }
        }
        String summary = String.format(
                Locale.ROOT,
                "%d of %d layers decomposed, %s saved of the candidate layers' %s; "
                        + "the model scores %s on %s (budget %s); %d trials",
                chosen.size(),
                layers.size(),
                costs.describe(new Cost(saving, 0, false)),
                costs.describe(new Cost(dense, 0, false)),
                current.describe(),
                oracle.describe(),
                budget.text(),
                tried[0]);
        report.add("chosen_model", json(current));
        report.addProperty("chosen_predicted_seconds", priced - saving);
        if (speedup > 0 && !reached(priced, chosen)) {
            context.note(String.format(
                    Locale.ROOT,
                    "the budget stops at %.2fx predicted, short of the %.2fx asked",
                    priced / (priced - saving),
                    speedup));
        }
        report.addProperty("outcome", summary);
        context.note(summary);
        return changed;
    }

    /**
     * The end-to-end runs of the search: one copy of the input and the fits, scored on the
     * screening inputs or on all of them, each run recorded in the report's trials.
     */
    private final class Search {
        private final Model original;
        private final PassContext context;
        private final FitCache fits;
        private final FidelityOracle oracle;
        private final Budget budget;
        private final double priced;
        private final JsonArray trials;
        private final int[] tried;
        private Evaluation startEvaluation;

        Search(
                Model original,
                PassContext context,
                FitCache fits,
                FidelityOracle oracle,
                Budget budget,
                double priced,
                JsonArray trials,
                int[] tried) {
            this.original = original;
            this.context = context;
            this.fits = fits;
            this.oracle = oracle;
            this.budget = budget;
            this.priced = priced;
            this.trials = trials;
            this.tried = tried;
        }

        /** The verified evaluation of the starting point, null when it is the input itself. */
        Evaluation startEvaluation() {
            return startEvaluation;
        }

        /**
         * The starting point: for a price λ on error, each layer takes the point of its front
         * with the most saving less λ times its error (or stays dense); lowering λ gives ever
         * more aggressive models. A binary search over the λ at which some layer changes finds
         * the most aggressive that meets the budget (screened; monotone in practice, and what
         * is taken is verified on every input, the search repeated below it when that fails).
         * With a speed-up asked, λ goes no lower than the first model priced that fast.
         */
        Map<String, Candidate> lagrangian(Map<String, List<Candidate>> fronts) {
            java.util.TreeSet<Double> prices = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
            for (List<Candidate> front : fronts.values()) {
                for (Candidate c : front) {
                    prices.add(c.saving / Math.max(c.weighted(), 1e-9) * (1 - 1e-9));
                }
            }
            List<Map<String, Candidate>> points = new ArrayList<>();
            for (double lambda : prices) {
                Map<String, Candidate> p = at(fronts, lambda);
                if (!p.isEmpty() && (points.isEmpty() || !p.equals(points.get(points.size() - 1)))) {
                    points.add(p);
                }
            }
            int hi = points.size() - 1;
            if (speedup > 0) {
                for (int i = 0; i < points.size(); i++) {
                    if (reached(priced, points.get(i))) {
                        hi = i;
                        break;
                    }
                }
            }
            int found = largestMeeting(points, -1, hi, false);
            while (found >= 0) {
                Evaluation e = run(points.get(found), true, "lagrangian, verified");
                if (e.meets()) {
                    startEvaluation = e;
                    return points.get(found);
                }
                found = largestMeeting(points, -1, found - 1, true);
            }
            return Map.of();
        }

        /** The largest index in (lo, hi] whose point meets the budget, assuming the points up to one do; lo when none. */
        private int largestMeeting(List<Map<String, Candidate>> points, int lo, int hi, boolean verify) {
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (run(points.get(mid), verify, verify ? "lagrangian, verified" : "lagrangian")
                        .meets()) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        private Evaluation run(Map<String, Candidate> point, boolean all, String kind) {
            context.progress("trial " + (++tried[0]) + ": " + point.size() + " layers (" + kind + ")");
            Model m = trial(original, plan(point), context, fits, null);
            Evaluation e = all ? oracle.evaluate(m, budget) : oracle.screen(m, budget);
            JsonObject t = trialJson(null, e, priced - saved(point), kind);
            t.addProperty("layers", point.size());
            trials.add(t);
            return e;
        }
    }

    /** Per layer, the point of its front with the most saving less {@code lambda} times its error, if positive. */
    private static Map<String, Candidate> at(Map<String, List<Candidate>> fronts, double lambda) {
        Map<String, Candidate> out = new LinkedHashMap<>();
        fronts.forEach((layer, front) -> {
            Candidate best = null;
            double value = 0;
            for (Candidate c : front) {
                double v = c.saving - lambda * Math.max(c.weighted(), 1e-9);
                if (v > value) {
                    value = v;
                    best = c;
                }
            }
            if (best != null) {
                out.put(layer, best);
            }
        });
        return out;
    }

    /** Whether a speed-up was asked and {@code chosen} reaches it on the cost model ({@code priced}: the input's cost). */
    private boolean reached(double priced, Map<String, Candidate> chosen) {
        return speedup > 0 && priced / (priced - saved(chosen)) >= speedup;
    }

    private static double saved(Map<String, Candidate> chosen) {
        double s = 0;
        for (Candidate c : chosen.values()) {
            s += c.saving;
        }
        return s;
    }

    /** Why a layer stays dense. */
    private String keptDense(LayerCandidates lc, Map<String, List<Candidate>> fronts, boolean reached) {
        if (fronts.get(lc.name()).isEmpty()) {
            return endToEnd
                    ? "kept dense: every candidate alone broke the budget (" + closest(lc.all()) + ")"
                    : "kept dense: none of its candidates could be fitted";
        }
        if (reached) {
            return String.format(Locale.ROOT, "kept dense: the %.2fx speed-up asked was reached without it", speedup);
        }
        return "kept dense: each candidate tried broke the budget, with the layers chosen before it";
    }

    /** The candidate that came closest to the budget alone, described. */
    private static String closest(List<Candidate> all) {
        Candidate best = null;
        for (Candidate c : all) {
            if (c.alone != null
                    && (best == null
                            || c.alone.usage() < best.alone.usage()
                            || (c.alone.usage() == best.alone.usage() && c.alone.relL2() < best.alone.relL2()))) {
                best = c;
            }
        }
        return best == null ? "none could be fitted" : "closest: " + best.what + " scored " + best.alone.describe();
    }

    /** The Pareto front of a layer's screened candidates: none other saves more at less error. */
    private static List<Candidate> front(List<Candidate> all) {
        List<Candidate> ok = all.stream().filter(c -> !Double.isNaN(c.error)).toList();
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : ok) {
            boolean dominated = false;
            for (Candidate d : ok) {
                if (d != c
                        && d.saving >= c.saving
                        && d.error <= c.error
                        && (d.saving > c.saving || d.error < c.error)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                c.onFront = true;
                out.add(c);
            }
        }
        return out;
    }

    private static Map<String, RankPlan.Entry> plan(Map<String, Candidate> chosen) {
        Map<String, RankPlan.Entry> p = new LinkedHashMap<>();
        chosen.forEach((k, c) -> p.put(k, c.entry));
        return p;
    }

    /**
     * Per layer, one run of the whole model with the middle point of the layer's front alone, on
     * one evaluation input: its outputs' relative L2 error over the point's own error is how
     * much the layer's errors weigh at the model's outputs. Every candidate of the layer is
     * weighed by it, so that the search compares layers by their effect, not their own error.
     */
    private static void probeSensitivities(
            List<LayerCandidates> layers,
            Map<String, List<Candidate>> fronts,
            Model original,
            PassContext context,
            FitCache fits,
            FidelityOracle oracle,
            Budget budget) {
        int done = 0;
        int total = (int)
                layers.stream().filter(lc -> !fronts.get(lc.name()).isEmpty()).count();
        for (LayerCandidates lc : layers) {
            List<Candidate> front = fronts.get(lc.name());
            if (front.isEmpty()) {
                continue;
            }
            context.progress("sensitivity " + (++done) + " of " + total + ": " + lc.name());
            Candidate p = front.get(front.size() / 2);
            double e = oracle.probe(trial(original, Map.of(p.layer, p.entry), context, fits, null), budget)
                    .relL2();
            double scale = Double.isFinite(e) ? Math.max(e, 1e-9) / Math.max(p.error, 1e-9) : 1;
            for (Candidate c : lc.all()) {
                c.scale = scale;
            }
        }
    }

    /** A copy of the original with {@code plan} applied, each layer's fit taken from {@code fits}. */
    private static Model trial(
            Model original,
            Map<String, RankPlan.Entry> plan,
            PassContext context,
            FitCache fits,
            Map<String, Double> errors) {
        Model copy = original.copy();
        new Decompose(null, new RankSpec.Fraction(1), 1, 1, new RankPlan(plan), null, false, true, false)
                .withFits(fits, false)
                .recordingErrors(errors)
                .withoutRoundingRefit()
                .run(copy, context.trial(null));
        return copy;
    }

    /**
     * Fits every candidate of {@code layers} into {@code fits} and sets its error to the layer's
     * own (on calibration data when there is some, else on its weights). With calibration, the
     * activations are measured once, on the input, and handed over a group of layers at a time:
     * a group's candidates are fitted, then its statistics let go, which bounds the memory a
     * large model needs. Trials then fit nothing; factors are not refitted to f16 rounding
     * (slow on large layers; the rougher fit only makes a choice more careful).
     */
    private void fitCandidates(Model model, List<LayerCandidates> layers, PassContext context, FitCache fits) {
        Calibration calibration = context.calibration();
        Map<String, LayerCandidates> pending = new LinkedHashMap<>();
        for (LayerCandidates lc : layers) {
            pending.put(lc.name(), lc);
        }
        int[] group = {0};
        if (calibration != null) {
            context.progress("measuring activations for calibration");
            calibration.inputCovariances(
                    model, layers.stream().map(LayerCandidates::node).toList(), measured -> {
                        Map<String, InputCovariance> byName = new HashMap<>();
                        measured.forEach((n, cov) -> byName.put(Decompose.layerName(n), cov));
                        List<LayerCandidates> these = new ArrayList<>();
                        for (String name : byName.keySet()) {
                            LayerCandidates lc = pending.remove(name);
                            if (lc != null) {
                                these.add(lc);
                            }
                        }
                        fitGroup(model, these, byName, context, fits, "layer group " + (++group[0]));
                    });
        }
        if (!pending.isEmpty()) {
            fitGroup(
                    model,
                    List.copyOf(pending.values()),
                    Map.of(),
                    context,
                    fits,
                    calibration == null ? "" : "layers without activations");
        }
    }

    /** Fits the candidates of {@code layers}, the k-th of every layer in one run of {@code decompose}. */
    private void fitGroup(
            Model model,
            List<LayerCandidates> layers,
            Map<String, InputCovariance> covariances,
            PassContext context,
            FitCache fits,
            String what) {
        Calibration these = (m, nodes) -> {
            Map<Node, InputCovariance> out = new LinkedHashMap<>();
            for (Node n : nodes) {
                InputCovariance cov = covariances.get(Decompose.layerName(n));
                if (cov != null) {
                    out.put(n, cov);
                }
            }
            return out;
        };
        int rounds = layers.stream().mapToInt(l -> l.all().size()).max().orElse(0);
        for (int k = 0; k < rounds; k++) {
            context.progress("fitting candidates" + (what.isEmpty() ? "" : ", " + what) + ": round " + (k + 1) + " of "
                    + rounds);
            Map<String, RankPlan.Entry> round = new LinkedHashMap<>();
            for (LayerCandidates lc : layers) {
                if (k < lc.all().size()) {
                    round.put(lc.name(), lc.all().get(k).entry);
                }
            }
            Map<String, Double> errors = new HashMap<>();
            new Decompose(null, new RankSpec.Fraction(1), 1, 1, new RankPlan(round), null, false, true, false)
                    .withFits(fits, true)
                    .recordingErrors(errors)
                    .withoutRoundingRefit()
                    .correctingBias(correctBias)
                    .run(model, context.trial(covariances.isEmpty() ? null : these));
            for (LayerCandidates lc : layers) {
                if (k < lc.all().size()) {
                    lc.all().get(k).error = errors.getOrDefault(lc.name(), Double.NaN);
                }
            }
        }
        // Screened by their own errors, the group's layers know their fronts now: only the
        // fits on a front are kept, so that the cache holds a few fits a layer, not all.
        if (!endToEnd) {
            for (LayerCandidates lc : layers) {
                retainFront(lc, fits);
            }
        }
    }

    /**
     * Where this run's fits are kept between runs, or null when they are not: the file is named
     * by a digest of everything they depend on (the model, the calibration data, the code, the
     * fitting options, the linear-algebra kernels and every layer's candidates), so a file found
     * is this run's fits.
     */
    private java.nio.file.Path keptFits(Model model, List<LayerCandidates> layers, PassContext context) {
        java.nio.file.Path folder = context.resultCache();
        Calibration calibration = context.calibration();
        String data = calibration == null ? "none" : calibration.identity();
        String code = dev.yard.ir.CodeIdentity.of(SelectRanks.class);
        String ir = dev.yard.ir.CodeIdentity.of(Model.class);
        if (folder == null || stages > 1 || data == null || code.equals("unknown") || ir.equals("unknown")) {
            return null;
        }
        StringBuilder key = new StringBuilder("select-ranks fits 1\n")
                .append(code)
                .append('\n')
                .append(ir)
                .append('\n')
                .append(dev.yard.ir.ModelDigest.of(model))
                .append('\n')
                .append(data)
                .append('\n')
                .append(correctBias)
                .append(' ')
                .append(endToEnd)
                .append(' ')
                .append(multiple)
                .append('\n')
                // The kernels decide the last bits: native or pure Java, pinned or not.
                .append(dev.yard.passes.linalg.NativeLinearAlgebra.description())
                .append(' ')
                .append(System.getProperty("yard.linalg.reproducible", "true"))
                .append('\n');
        for (LayerCandidates lc : layers) {
            key.append(lc.name()).append(':');
            for (Candidate c : lc.all()) {
                key.append(' ').append(c.key());
            }
            key.append('\n');
        }
        String name = com.google.common.hash.Hashing.sha256()
                .hashString(key, java.nio.charset.StandardCharsets.UTF_8)
                .toString();
        return folder.resolve("fits").resolve(name + ".bin");
    }

    /** Reads the fits and the candidates' errors kept in {@code file}; false (nothing read) when there are none. */
    private static boolean restore(
            java.nio.file.Path file, List<LayerCandidates> layers, FitCache fits, PassContext context) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return false;
        }
        context.progress("reading the fits of an earlier run");
        Map<String, Map<String, Double>> errors;
        FitCache read = new FitCache();
        try {
            errors = read.read(file);
        } catch (java.io.IOException e) {
            context.note("fitting again: the kept fits in " + file + " cannot be read (" + e.getMessage() + ")");
            return false;
        }
        for (LayerCandidates lc : layers) {
            Map<String, Double> e = errors.get(lc.name());
            for (Candidate c : lc.all()) {
                if (e == null || !e.containsKey(c.key())) {
                    context.note("fitting again: the kept fits in " + file + " lack " + c.layer + " " + c.what);
                    return false;
                }
            }
        }
        for (LayerCandidates lc : layers) {
            for (Candidate c : lc.all()) {
                c.error = errors.get(lc.name()).get(c.key());
            }
        }
        fits.takeAll(read);
        return true;
    }

    /** The kept fits of earlier runs take at most this much disk; the oldest go first (IS-Net's: 234 MB). */
    static final long KEPT_FITS_BYTES = 2L << 30;

    /** Writes the fits and the candidates' errors to {@code file}; a failure is a note, not an error. */
    private static void keep(
            java.nio.file.Path file, List<LayerCandidates> layers, FitCache fits, PassContext context) {
        Map<String, Map<String, Double>> errors = new LinkedHashMap<>();
        for (LayerCandidates lc : layers) {
            Map<String, Double> e = new LinkedHashMap<>();
            for (Candidate c : lc.all()) {
                e.put(c.key(), c.error);
            }
            errors.put(lc.name(), e);
        }
        try {
            fits.write(file, errors);
            FitCache.prune(file.getParent(), KEPT_FITS_BYTES, file);
        } catch (java.io.IOException | RuntimeException e) {
            context.note("the fits are not kept for the next run: " + file + ": " + e.getMessage());
        }
    }

    /** Keeps in {@code fits} only the fits of {@code lc}'s front; returns the front. */
    private static List<Candidate> retainFront(LayerCandidates lc, FitCache fits) {
        List<Candidate> front = front(lc.all());
        Set<String> keep = new java.util.HashSet<>();
        for (Candidate c : front) {
            keep.add(c.key());
        }
        fits.retainOnly(lc.name(), keep);
        return front;
    }

    private static JsonObject trialJson(Candidate c, Evaluation e, double predicted, String kind) {
        JsonObject t = new JsonObject();
        t.addProperty("kind", kind);
        if (c != null) {
            t.addProperty("layer", c.layer);
            t.addProperty("candidate", c.what);
        }
        t.add("model", json(e));
        t.addProperty("accepted", e.meets());
        t.addProperty("predicted_seconds", predicted);
        return t;
    }

    /** The layer's priced candidates that save something, or null when it cannot be priced. */
    private LayerCandidates candidates(Node n, PassContext context) {
        Layer dense = pricedLayer(n, context);
        if (dense == null) {
            return null;
        }
        CostModel costs = context.costModel();
        double denseCost = costs.layer(dense).seconds();
        String name = Decompose.layerName(n);
        List<Candidate> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Method m : List.of(Method.SVD, Method.TUCKER2)) {
            if (!methods.contains(m)) {
                continue;
            }
            for (double f : fractions) {
                RankPlan.Entry e = entry(dense, m, f);
                if (e == null) {
                    continue;
                }
                String what = m.text() + " " + Arrays.toString(e.ranks());
                if (!seen.add(what)) {
                    continue;
                }
                double cost = costs.chain(chain(dense, e)).seconds();
                if (cost < denseCost) {
                    out.add(new Candidate(name, e, what, cost, denseCost - cost));
                }
            }
        }
        return new LayerCandidates(name, n, denseCost, out);
    }

    /** The layer's configuration at the dims it is priced at (the graph's, else the caller's hints), or null. */
    private static Layer pricedLayer(Node n, PassContext context) {
        long[] x = context.pricingDims(n.input(0));
        if (x == null) {
            return null;
        }
        if (n.is("Conv")) {
            ConvLayer c = ConvLayer.read(n).orElse(null);
            return c == null || x.length != 4 ? null : Layer.Conv.of(c, (int) x[0], (int) x[2], (int) x[3]);
        }
        return n.is("Gemm") || n.is("MatMul") ? ModelPricing.layerOf(n).orElse(null) : null;
    }

    /** The plan entry for method {@code m} at fraction {@code f} of the full rank; null when it does not apply. */
    private RankPlan.Entry entry(Layer dense, Method m, double f) {
        int[] full;
        if (dense instanceof Layer.Conv c) {
            if (c.group() != 1) {
                return null;
            }
            boolean pointwise = c.kh() == 1 && c.kw() == 1;
            if (pointwise && m != Method.SVD) {
                return null;
            }
            full = m.fullRanks(c.out(), c.in(), c.kh(), c.kw(), 1);
        } else {
            if (m != Method.SVD) {
                return null;
            }
            Layer.Matrix mx = (Layer.Matrix) dense;
            full = new int[] {Math.min(mx.k(), mx.n())};
        }
        int[] r = new int[full.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = rounded(f * full[i], full[i]);
        }
        return new RankPlan.Entry(m, r, null, 1);
    }

    private int rounded(double rank, int max) {
        int r = (int) Math.ceil(Math.max(1, rank) / multiple) * multiple;
        return Math.max(1, Math.min(r, max));
    }

    /** The layers of the chain {@code e} makes of {@code dense}. */
    private static List<Layer> chain(Layer dense, RankPlan.Entry e) {
        if (dense instanceof Layer.Matrix m) {
            return Chains.svd(m, e.ranks()[0]);
        }
        Layer.Conv c = (Layer.Conv) dense;
        return e.method() == Method.SVD
                ? Chains.svd(c, e.ranks()[0])
                : Chains.tucker2(c, e.ranks()[0], e.ranks()[1], 1);
    }

    private static JsonObject json(Evaluation e) {
        JsonObject o = new JsonObject();
        for (Evaluation.Score s : e.scores()) {
            o.addProperty(s.bound().metric().text(), finite(s.value()));
        }
        o.addProperty("rel_l2", finite(e.relL2()));
        o.addProperty("budget_used", finite(e.usage()));
        return o;
    }

    private static JsonObject json(LayerCandidates lc, Candidate chosen, CostModel costs) {
        JsonObject o = new JsonObject();
        o.addProperty("layer", lc.name());
        o.addProperty("op", lc.node().opType());
        o.addProperty("dense_seconds", lc.denseCost());
        JsonArray cs = new JsonArray();
        for (Candidate c : lc.all()) {
            JsonObject j = new JsonObject();
            j.addProperty("method", c.entry.method().text());
            JsonArray r = new JsonArray();
            for (int x : c.entry.ranks()) {
                r.add(x);
            }
            j.add("ranks", r);
            j.addProperty("seconds", c.cost);
            j.addProperty("saving_seconds", c.saving);
            j.addProperty("error", finite(c.error));
            if (c.scale != 1) {
                j.addProperty("sensitivity", c.scale);
            }
            if (c.alone != null) {
                j.add("alone", json(c.alone));
            }
            j.addProperty("on_front", c.onFront);
            j.addProperty("chosen", c == chosen);
            cs.add(j);
        }
        o.add("candidates", cs);
        o.addProperty("chosen", chosen == null ? "dense" : chosen.what);
        return o;
    }

    /** JSON has no infinity: a broken score is written as a huge number. */
    private static double finite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? Double.MAX_VALUE : v;
    }
}
