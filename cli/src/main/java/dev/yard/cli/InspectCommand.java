package dev.yard.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.yard.api.internal.Models;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import dev.yard.ir.analysis.LayerCost;
import dev.yard.ir.verify.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code yard inspect [MODEL]}: a per-layer table of shapes, parameters and MACs, with totals. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Print a per-layer table (op, shapes, parameters, MACs) and totals. "
                + "Without MODEL, inspects the built-in trained LeNet.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Model (.onnx or .onnxtxt).")
    Path input;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--all", description = "List every node, not only those with parameters or MACs.")
    boolean all;

    @Option(
            names = "--input-shape",
            paramLabel = "NAME=D,D,...",
            description = "Shape of an input with dynamic "
                    + "dimensions, so that the layers behind it get shapes and MACs (e.g. x=1,3,320,320).")
    java.util.Map<String, String> inputShapes = new java.util.LinkedHashMap<>();

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** One row of the table. */
    record Row(String name, String op, String input, String output, long params, long macs) {}

    @Override
    public Integer call() {
        Model m = input == null ? Models.loadDefault() : Models.load(input);
        String source = input == null ? Models.DEFAULT_MODEL_NAME : input.toString();
        Models.checkInputShapes(m, inputShapes, source);
        if (!inputShapes.isEmpty()) {
            m = Models.withInputShapes(m, inputShapes);
        }
        List<Problem> shapeProblems = Models.inferShapes(m);
        List<Row> rows = new ArrayList<>();
        long params = 0;
        long macs = 0;
        boolean macsUnknown = false;
        for (Node n : m.graph().nodes()) {
            LayerCost c = LayerCost.of(n);
            params += c.parameters();
            if (c.macs() == LayerCost.UNKNOWN) {
                macsUnknown = true;
            } else {
                macs += c.macs();
            }
            if (all || c.parameters() > 0 || c.macs() != 0) {
                rows.add(new Row(
                        n.name().isEmpty() && n.output(0) != null ? n.output(0).name() : n.name(),
                        opName(n),
                        firstData(n),
                        typeOf(n.output(0)),
                        c.parameters(),
                        c.macs()));
            }
        }
        // Weights are initializers, or Constant nodes (as some exporters keep them).
        long weightBytes = m.graph().initializers().stream()
                .mapToLong(v -> v.initializer().byteSize())
                .sum();
        for (Node n : m.graph().nodes()) {
            if (n.is("Constant")
                    && n.attribute("value") != null
                    && !n.attribute("value").isReference()) {
                weightBytes += n.attribute("value").asTensor().byteSize();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(m, source, rows, params, macs, macsUnknown, weightBytes));
        } else {
            table(out, m, source, rows, params, macs, macsUnknown, weightBytes);
        }
        for (Problem p : shapeProblems) {
            spec.commandLine().getErr().println("yard: warning: " + source + ": shape inference: " + p);
        }
        return Main.OK;
    }

    private static String opName(Node n) {
        return n.isDefaultDomain() ? n.opType() : n.domain() + "." + n.opType();
    }

    /** The first input that is not a weight: the layer's data input. */
    private static String firstData(Node n) {
        for (Value v : n.inputs()) {
            if (v != null && !v.isInitializer()) {
                return typeOf(v);
            }
        }
        return "";
    }

    private static String typeOf(Value v) {
        if (v == null) {
            return "";
        }
        return v.type() == null ? "?" : v.type().toString();
    }

    private static void table(
            PrintWriter out,
            Model m,
            String source,
            List<Row> rows,
            long params,
            long macs,
            boolean macsUnknown,
            long weightBytes) {
        out.printf(
                "%s: opset %d, %d nodes, %d inputs, %d outputs%n",
                source,
                m.defaultOpset(),
                m.graph().nodes().size(),
                m.graph().inputs().size(),
                m.graph().outputs().size());
        for (Value v : m.graph().inputs()) {
            if (!v.isInitializer()) {
                out.printf("  input  %s %s%n", v.name(), typeOf(v));
            }
        }
        for (Value v : m.graph().outputs()) {
            out.printf("  output %s %s%n", v.name(), typeOf(v));
        }
        out.println();
        int wName =
                Math.max(4, rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        int wOp = Math.max(2, rows.stream().mapToInt(r -> r.op().length()).max().orElse(0));
        int wIn = Math.max(
                5, rows.stream().mapToInt(r -> r.input().length()).max().orElse(0));
        int wOut = Math.max(
                6, rows.stream().mapToInt(r -> r.output().length()).max().orElse(0));
        String fmt = "%-" + wName + "s  %-" + wOp + "s  %-" + wIn + "s  %-" + wOut + "s  %12s  %15s%n";
        out.printf(fmt, "name", "op", "input", "output", "params", "MACs");
        for (Row r : rows) {
            out.printf(
                    fmt,
                    r.name(),
                    r.op(),
                    r.input(),
                    r.output(),
                    group(r.params()),
                    r.macs() == LayerCost.UNKNOWN ? "?" : group(r.macs()));
        }
        out.printf(fmt, "total", "", "", "", group(params), group(macs) + (macsUnknown ? "+?" : ""));
        out.printf(
                "%nparameters %s (%s of weights), MACs %s%s per inference (batch 1)%n",
                human(params), bytes(weightBytes), human(macs), macsUnknown ? " plus layers of unknown size" : "");
    }

    private static String json(
            Model m, String source, List<Row> rows, long params, long macs, boolean macsUnknown, long weightBytes) {
        JsonObject o = new JsonObject();
        o.addProperty("model", source);
        o.addProperty("opset", m.defaultOpset());
        o.addProperty("nodes", m.graph().nodes().size());
        JsonArray layers = new JsonArray();
        for (Row r : rows) {
            JsonObject l = new JsonObject();
            l.addProperty("name", r.name());
            l.addProperty("op", r.op());
            l.addProperty("input", r.input());
            l.addProperty("output", r.output());
            l.addProperty("params", r.params());
            if (r.macs() == LayerCost.UNKNOWN) {
                l.add("macs", com.google.gson.JsonNull.INSTANCE);
            } else {
                l.addProperty("macs", r.macs());
            }
            layers.add(l);
        }
        o.add("layers", layers);
        JsonObject t = new JsonObject();
        t.addProperty("params", params);
        t.addProperty("macs", macs);
        t.addProperty("macs_complete", !macsUnknown);
        t.addProperty("weight_bytes", weightBytes);
        o.add("total", t);
        return new GsonBuilder()
                .setPrettyPrinting()
                .disableHtmlEscaping()
                .create()
                .toJson(o);
    }

    private static String group(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String human(long v) {
        if (v >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f G", v / 1e9);
        } else if (v >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        } else if (v >= 1_000L) {
            return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        }
        return Long.toString(v);
    }

    private static String bytes(long b) {
        if (b >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
}
