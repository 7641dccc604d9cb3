package dev.yard.cli.bench;

import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.tvm.TvmPreparation;
import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.backend.tvm.emit.RelaxEmitter;
import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.backend.tvm.ffi.TvmModel;
import dev.yard.frontend.onnx.OnnxReader;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.infer.ShapeInference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The TVM backend on ONNX's backend-suite node cases: every case whose graph Yard reads and
 * infers with static shapes, and that ONNX Runtime passes on its recorded data, is prepared,
 * emitted, built for this CPU and run through Yard's bindings; its outputs must match the
 * recorded ones (|a - b| <= 1e-5 + 1e-3 |b|). An input the emitter needs constant (Slice's
 * bounds, Pad's pads, a reduction's axes) is bound to its recorded value first, as a model
 * exported for inference holds it. Prints a line per case and a table per op type.
 * Usage: {@code TvmSuiteBenchmark NODE_DIR WORK_DIR}.
 */
public final class TvmSuiteBenchmark {
    private TvmSuiteBenchmark() {}

    /** How one case went. */
    enum Outcome {
        PASS,
        MISMATCH,
        NOT_EMITTED,
        BUILD_FAILED,
        RUN_FAILED
    }

    public static void main(String[] args) throws IOException {
        Path suite = Path.of(args[0]);
        Path work = Path.of(args[1]);
        TvmToolchain tc = TvmToolchain.locate();
        Set<String> emitted = RelaxEmitter.supportedOps();
        Map<String, int[]> perOp = new TreeMap<>(); // op -> [cases ORT passes, TVM passes, not emitted]
        Map<Outcome, Integer> totals = new TreeMap<>();
        int excluded = 0;
        int boundCases = 0;
        List<Path> cases;
        try (Stream<Path> s = Files.list(suite)) {
            cases = s.filter(d -> Files.exists(d.resolve("model.onnx")))
                    .sorted()
                    .toList();
        }
        for (Path c : cases) {
            String name = c.getFileName().toString();
            Model model;
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            List<Tensor> expected = new ArrayList<>();
            String op;
            boolean bound = false;
            try {
                model = OnnxReader.read(c.resolve("model.onnx"));
                Path data = c.resolve("test_data_set_0");
                List<Value> in = model.graph().inputs().stream()
                        .filter(v -> !v.isInitializer())
                        .toList();
                for (int i = 0; i < in.size(); i++) {
                    Path f = data.resolve("input_" + i + ".pb");
                    if (!Files.exists(f)) {
                        throw new IllegalStateException("no " + f);
                    }
                    inputs.put(in.get(i).name(), OnnxReader.readTensor(f));
                }
                // An input the emitter needs constant (Slice's bounds, Pad's pads, a reduction's
                // axes, ...) is bound to its recorded value, as a model exported for inference
                // holds it: an initializer.
                for (Value v : in) {
                    if (onlyReadAsConstant(model, v)) {
                        v.setInitializer(inputs.remove(v.name()));
                        model.graph().inputs().remove(v);
                        model.graph().initializers().add(v);
                        bound = true;
                    }
                }
                for (int i = 0; i < model.graph().outputs().size(); i++) {
                    expected.add(OnnxReader.readTensor(data.resolve("output_" + i + ".pb")));
                }
                op = mainOp(model);
                if (op == null) {
                    throw new IllegalStateException("no op in the default domain");
                }
                Map<String, String> shapes = new LinkedHashMap<>();
                // A scalar's shape is already static, and has no --input-shape spelling.
                inputs.forEach((k, v) -> {
                    if (v.rank() > 0) {
                        shapes.put(k, dims(v));
                    }
                });
                TvmPreparation.prepare(model, shapes);
                ShapeInference.inferOrThrow(model);
                try (OrtSession ort = OrtSession.of(model, 1)) {
                    List<Tensor> got = new ArrayList<>(ort.run(inputs).values());
                    if (!matches(expected, got)) {
                        throw new IllegalStateException("ONNX Runtime does not pass it");
                    }
                }
            } catch (RuntimeException e) {
                excluded++;
                System.out.println("excluded " + name + ": " + firstLine(e));
                continue;
            }
            if (bound) {
                boundCases++;
            }
            int[] row = perOp.computeIfAbsent(op, k -> new int[3]);
            row[0]++;
            Outcome o;
            String why = "";
            Set<String> missing = new TreeSet<>();
            for (Node n : model.graph().nodes()) {
                if (n.isDefaultDomain() && !n.is("Constant") && !emitted.contains(n.opType())) {
                    missing.add(n.opType());
                }
            }
            if (!missing.isEmpty()) {
                o = Outcome.NOT_EMITTED;
                why = String.join(",", missing);
            } else {
                RelaxModule module;
                try {
                    module = RelaxEmitter.emit(model);
                } catch (RuntimeException e) {
                    module = null;
                    why = firstLine(e);
                }
                if (module == null) {
                    o = Outcome.NOT_EMITTED;
                } else {
                    Path lib = null;
                    try {
                        lib = tc.build(module, work.resolve(name), TvmToolchain.HOST_TARGET)
                                .library();
                    } catch (RuntimeException e) {
                        why = firstLine(e);
                    }
                    if (lib == null) {
                        o = Outcome.BUILD_FAILED;
                    } else {
                        try (TvmModel tvm = TvmModel.load(tc.runtime(), lib)) {
                            List<Tensor> got = tvm.run(new ArrayList<>(inputs.values()));
                            o = matches(expected, got) ? Outcome.PASS : Outcome.MISMATCH;
                        } catch (RuntimeException e) {
                            o = Outcome.RUN_FAILED;
                            why = firstLine(e);
                        }
                    }
                }
            }
            if (o == Outcome.PASS) {
                row[1]++;
            }
            if (o == Outcome.NOT_EMITTED) {
                row[2]++;
            }
            totals.merge(o, 1, Integer::sum);
            System.out.println(o.name().toLowerCase(Locale.ROOT) + " " + name + (why.isEmpty() ? "" : ": " + why));
        }
        int ortPasses = perOp.values().stream().mapToInt(r -> r[0]).sum();
        int tvmPasses = perOp.values().stream().mapToInt(r -> r[1]).sum();
        System.out.printf(
                Locale.ROOT,
                "%n%d cases, %d excluded (unreadable, dynamic, or ONNX Runtime does not pass them), %d left: "
                        + "TVM passes %d (%.1f%%); %s; %d with inputs bound to their recorded values%n%n",
                cases.size(),
                excluded,
                ortPasses,
                tvmPasses,
                100.0 * tvmPasses / Math.max(1, ortPasses),
                totals,
                boundCases);
        System.out.println("| op | cases | TVM passes | not emitted |");
        System.out.println("|---|---:|---:|---:|");
        perOp.forEach((k, r) -> System.out.printf(Locale.ROOT, "| %s | %d | %d | %d |%n", k, r[0], r[1], r[2]));
    }

    /** Whether {@code v} is used, and only where the emitter needs a constant. */
    private static boolean onlyReadAsConstant(Model m, Value v) {
        boolean used = false;
        for (Node n : m.graph().nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                if (n.input(i) == v) {
                    if (!RelaxEmitter.readsAsConstant(n, i)) {
                        return false;
                    }
                    used = true;
                }
            }
        }
        return used && !m.graph().outputs().contains(v);
    }

    /** The op a node case tests: the first node of the default domain that is not a Constant. */
    private static String mainOp(Model m) {
        for (Node n : m.graph().nodes()) {
            if (n.isDefaultDomain() && !n.is("Constant")) {
                return n.opType();
            }
        }
        return null;
    }

    private static String dims(Tensor t) {
        StringBuilder b = new StringBuilder();
        for (long d : t.shape().sizes()) {
            b.append(b.length() == 0 ? "" : ",").append(d);
        }
        return b.toString();
    }

    private static boolean matches(List<Tensor> expected, List<Tensor> got) {
        if (expected.size() != got.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            Tensor e = expected.get(i);
            Tensor g = got.get(i);
            if (!java.util.Arrays.equals(e.shape().sizes(), g.shape().sizes())) {
                return false;
            }
            if (!e.elementType().isFloatingPoint()) {
                if (!e.contentEquals(g)) {
                    return false;
                }
                continue;
            }
            for (long k = 0; k < e.elementCount(); k++) {
                double x = g.getDouble(k);
                double y = e.getDouble(k);
                boolean bothNan = Double.isNaN(x) && Double.isNaN(y);
                if (!bothNan && !(Math.abs(x - y) <= 1e-5 + 1e-3 * Math.abs(y))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String firstLine(Throwable e) {
        return String.valueOf(e.getMessage())
                .lines()
                .findFirst()
                .orElse(e.getClass().getSimpleName());
    }
}
