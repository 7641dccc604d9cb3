package dev.yard.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.yard.api.internal.Models;
import dev.yard.api.internal.Plugins;
import dev.yard.ir.Model;
import dev.yard.passes.PassManager;
import dev.yard.passes.PassRegistry;
import dev.yard.passes.Pipeline;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModels;
import dev.yard.passes.cost.ModelPricing;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code yard cost [MODEL] --cost-model NAME}: what each layer costs on a target, as the passes
 * see it, and the predicted latency of the whole model (the sum of its layers).
 */
@Command(
        name = "cost",
        mixinStandardHelpOptions = true,
        description =
                "Price every conv, Gemm and MatMul of a model with a cost model: "
                        + "per-layer latency, measured or estimated, and the predicted total. Without MODEL, the built-in LeNet.")
final class CostCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Model (.onnx or .onnxtxt).")
    Path input;

    @Option(
            names = "--cost-model",
            paramLabel = "NAME[:ARGS]",
            defaultValue = CostModels.DEFAULT,
            description = "macs, analytic[:TARGET|FILE], ort[:threads=N], ... (default: ${DEFAULT-VALUE}).")
    String costModel;

    @Option(
            names = "--plugin",
            paramLabel = "JAR",
            description = "A jar of cost-model plugins (also YARD_PLUGINS); " + "repeatable.")
    List<Path> plugins = new ArrayList<>();

    @Option(
            names = "--input-shape",
            paramLabel = "NAME=D,D,...",
            description = "Shape of an input with dynamic " + "dimensions (e.g. x=1,3,320,320).")
    Map<String, String> inputShapes = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CostModel model = CostModels.create(costModel, Plugins.loader(plugins));
        Model m = input == null ? Models.loadDefault() : Models.load(input);
        String source = input == null ? Models.DEFAULT_MODEL_NAME : input.toString();
        Models.checkInputShapes(m, inputShapes, source);
        m = inputShapes.isEmpty() ? m : Models.withInputShapes(m, inputShapes);
        // Weights held in Constant nodes (Paddle's exports) are weights: fold them first.
        new PassManager(Pipeline.parse("fold-constants", PassRegistry.load())).run(m);
        Models.inferShapes(m);
        StatusLine status = StatusLine.forTerminal(spec.commandLine().getErr());
        long start = System.nanoTime();
        List<ModelPricing.Priced> priced = ModelPricing.price(m, model, what -> status.show("pricing " + what));
        status.clear();
        double seconds = (System.nanoTime() - start) / 1e9;
        Cost total = ModelPricing.total(priced);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(source, model, priced, total));
            return Main.OK;
        }
        out.printf("%s, cost model %s%n%n", source, model.name());
        OptimizeCommand.Table t = new OptimizeCommand.Table();
        t.row("layer", "configuration", "MACs", "latency", "");
        for (ModelPricing.Priced p : priced) {
            if (p.layer() == null) {
                t.row(Names.layer(p.node()), "not priced: " + p.why(), "", "", "");
            } else {
                t.row(
                        Names.layer(p.node()),
                        p.layer().key(),
                        OptimizeCommand.group(p.layer().macs()),
                        ms(p.cost().seconds()),
                        p.cost().measured() ? "measured" : "estimated");
            }
        }
        t.print(out);
        long unpriced = priced.stream().filter(p -> p.layer() == null).count();
        out.printf(
                "%npredicted latency of the %d priced layers: %s (%s)%s; priced in %.1f s%n",
                priced.size() - unpriced,
                ms(total.seconds()),
                total.measured() ? "measured" : "estimated",
                unpriced == 0 ? "" : ", " + unpriced + " not priced",
                seconds);
        return Main.OK;
    }

    private static String json(String source, CostModel model, List<ModelPricing.Priced> priced, Cost total) {
        JsonObject o = new JsonObject();
        o.addProperty("model", source);
        o.addProperty("cost_model", model.name());
        JsonArray layers = new JsonArray();
        for (ModelPricing.Priced p : priced) {
            JsonObject l = new JsonObject();
            l.addProperty("layer", Names.layer(p.node()));
            l.addProperty("op", p.node().opType());
            if (p.layer() == null) {
                l.addProperty("not_priced", p.why());
            } else {
                l.addProperty("configuration", p.layer().key());
                l.addProperty("kind", p.layer().kind().text());
                l.addProperty("macs", p.layer().macs());
                l.addProperty("seconds", p.cost().seconds());
                l.addProperty("bytes", p.cost().bytes());
                l.addProperty("measured", p.cost().measured());
            }
            layers.add(l);
        }
        o.add("layers", layers);
        o.addProperty("total_seconds", total.seconds());
        o.addProperty("total_measured", total.measured());
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }

    static String ms(double seconds) {
        return String.format(Locale.ROOT, "%.4f ms", seconds * 1e3);
    }

    /** How layers are named in reports: the node's name, or its first output's. */
    static final class Names {
        private Names() {}

        static String layer(dev.yard.ir.Node n) {
            return n.name().isEmpty() && n.output(0) != null ? n.output(0).name() : n.name();
        }
    }
}
