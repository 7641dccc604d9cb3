package dev.yard.ir.infer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Attribute;
import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Graph;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.TestGraph;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.ir.verify.Problem;
import dev.yard.ir.verify.Verifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the verifier and shape inference on ONNX's own backend-test models (the ones using the
 * CNN op set), dumped at test time by {@code src/test/python/dump_onnx_shapes.py}, and compares with the
 * output types those models declare (from really running them) and with what
 * {@code onnx.shape_inference} infers for intermediate values. Inference starts from the
 * graph inputs only; any definite disagreement fails the test.
 */
class OnnxBackendShapesTest {

    /** One dumped model. */
    private record Case(String name, long opset, Graph graph, List<String[]> expect) {}

    @Test
    void agreesWithOnnxOnBackendTestModels() throws IOException {
        List<Case> cases = read();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        int same = 0;
        int lessPrecise = 0;
        int morePrecise = 0;
        for (Case c : cases) {
            for (Problem p : Verifier.check(c.graph(), c.opset())) {
                failures.add(c.name() + ": verifier: " + p);
            }
            for (Problem p : ShapeInference.infer(c.graph(), c.opset())) {
                failures.add(c.name() + ": inference: " + p);
            }
            Map<String, Value> byName = c.graph().valuesByName();
            for (String[] e : c.expect()) {
                Value v = byName.get(e[1]);
                ValueType.TensorType want = type(e[2], e[3]);
                ValueType.TensorType got = v == null ? null : v.tensorType();
                checked++;
                String conflict = conflict(want, got);
                if (conflict != null) {
                    failures.add(c.name() + ": " + e[0] + " " + e[1] + ": expected " + want + ", inferred " + got + " ("
                            + conflict + ")");
                } else if (want.equals(got)) {
                    same++;
                } else if (precision(got) < precision(want)) {
                    lessPrecise++;
                    if (Boolean.getBoolean("yard.showLessPrecise")) {
                        System.out.println("less precise: " + c.name() + " " + e[1] + " (" + v.producer() + "): " + got
                                + " vs " + want);
                    }
                } else {
                    morePrecise++;
                }
            }
        }
        System.out.printf(
                "ONNX backend models: %d models, %d typed values: %d same, %d less precise, "
                        + "%d more precise than ONNX, %d failures%n",
                cases.size(), checked, same, lessPrecise, morePrecise, failures.size());
        failures.stream().limit(60).forEach(System.out::println);
        assertTrue(cases.size() > 500, "the dump holds " + cases.size() + " models");
        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.get(0));
    }

    /** A definite disagreement, or null. */
    private static String conflict(ValueType.TensorType want, ValueType.TensorType got) {
        if (got == null) {
            return null;
        }
        if (want.elementType() != null && got.elementType() != null && want.elementType() != got.elementType()) {
            return "element type";
        }
        if (want.shape() == null || got.shape() == null) {
            return null;
        }
        if (want.shape().rank() != got.shape().rank()) {
            return "rank";
        }
        for (int i = 0; i < want.shape().rank(); i++) {
            Dim a = want.shape().dim(i);
            Dim b = got.shape().dim(i);
            if (a.isKnown() && b.isKnown() && !a.equals(b)) {
                return "dim " + i;
            }
        }
        return null;
    }

    private static int precision(ValueType.TensorType t) {
        if (t == null) {
            return 0;
        }
        int p = t.elementType() == null ? 0 : 1;
        if (t.shape() != null) {
            p += 1;
            for (Dim d : t.shape().dims()) {
                p += d.isKnown() ? 2 : d instanceof Dim.Symbolic ? 1 : 0;
            }
        }
        return p;
    }

    /**
     * Dumps the backend-test models with the project's Python environment (which the README's
     * test command creates) into a temporary file, and reads that.
     */
    private static List<Case> read() throws IOException {
        Path cache = Path.of(System.getProperty("yard.cache", System.getProperty("user.home") + "/.cache/yard"));
        Path python = cache.resolve("venv/bin/python");
        Path data = Path.of("/usr/share/libonnx-testdata/data");
        if (!Files.isExecutable(python) || !Files.isDirectory(data)) {
            throw new IllegalStateException(
                    "needs " + python + " and " + data + ": run scripts/test, which installs them");
        }
        Path dump = Files.createTempFile("yard-onnx-shapes", ".txt");
        try {
            List<String> cmd = new ArrayList<>(List.of(
                    python.toString(),
                    Path.of("src/test/python/dump_onnx_shapes.py")
                            .toAbsolutePath()
                            .toString(),
                    data.toString(),
                    dump.toString()));
            cmd.addAll(new java.util.TreeSet<>(ShapeInference.coveredOps()));
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (proc.waitFor() != 0) {
                throw new IllegalStateException("dump_onnx_shapes.py failed:\n" + log);
            }
            return parse(Files.newInputStream(dump));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    private static List<Case> parse(java.io.InputStream in) throws IOException {
        List<Case> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String name = null;
            long opset = 0;
            Graph g = null;
            Map<String, Value> values = new HashMap<>();
            List<String[]> expect = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "model" -> {
                        name = f[1];
                        g = new Graph(name);
                        values = new HashMap<>();
                        expect = new ArrayList<>();
                    }
                    case "opset" -> opset = Long.parseLong(f[1]);
                    case "input" -> {
                        Value v = new Value(f[1], f[2].equals("0") ? null : type(f[2], f[3]));
                        g.inputs().add(v);
                        values.put(f[1], v);
                    }
                    case "init" -> {
                        Tensor t = tensor(f[2], f[3], f[4]);
                        Value v;
                        if (t == null) {
                            // Too large to dump: an input of the same type serves (weights are never shape data).
                            v = new Value(f[1], type(f[2], f[3]));
                            g.inputs().add(v);
                        } else {
                            v = g.addInitializer(f[1], t);
                        }
                        values.put(f[1], v);
                    }
                    case "node" -> g.nodes().add(node(f, values));
                    case "expect" -> {
                        g.outputs().add(values.get(f[1]));
                        expect.add(f);
                    }
                    case "onnx" -> expect.add(f);
                    case "end" -> out.add(new Case(name, opset, g, expect));
                    default -> throw new IllegalStateException("bad line " + line);
                }
            }
        }
        return out;
    }

    private static Node node(String[] f, Map<String, Value> values) {
        List<Value> ins = new ArrayList<>();
        if (!f[3].equals("-")) {
            for (String s : f[3].split(",", -1)) {
                ins.add(s.equals("~") ? null : values.computeIfAbsent(s, k -> new Value(k, null)));
            }
        }
        List<Value> outs = new ArrayList<>();
        for (String s : f[4].split(",", -1)) {
            Value v = s.equals("~") ? null : new Value(s, null);
            if (v != null) {
                values.put(s, v);
            }
            outs.add(v);
        }
        Node n = new Node(f[2].equals("-") ? "" : f[2], "", f[1], ins, outs);
        for (int i = 5; i < f.length; i++) {
            n.setAttribute(attribute(f[i]));
        }
        return n;
    }

    private static Attribute attribute(String text) {
        int eq = text.indexOf('=');
        String name = text.substring(0, eq);
        String kind = text.substring(eq + 1, text.indexOf(':', eq));
        String v = text.substring(text.indexOf(':', eq) + 1);
        return switch (kind) {
            case "i" -> Attribute.of(name, Long.parseLong(v));
            case "f" -> Attribute.of(name, Float.parseFloat(v));
            case "s" -> Attribute.of(name, v);
            case "is" -> Attribute.of(name, v.isEmpty() ? new long[0] : longs(v));
            case "fs" -> {
                String[] p = v.isEmpty() ? new String[0] : v.split(",");
                float[] a = new float[p.length];
                for (int i = 0; i < p.length; i++) {
                    a[i] = Float.parseFloat(p[i]);
                }
                yield Attribute.of(name, a);
            }
            case "t" -> {
                String[] p = v.split(":", -1);
                Tensor t = tensor(p[0], p[1], p[2]);
                yield Attribute.of(name, t != null ? t : zeros(p[0], p[1]));
            }
            case "ss" -> Attribute.strings(name, java.util.Collections.nCopies(Integer.parseInt(v), ""));
            default -> throw new IllegalStateException("attribute kind " + kind);
        };
    }

    private static long[] longs(String csv) {
        return Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
    }

    private static ValueType.TensorType type(String code, String shape) {
        ElementType e = ElementType.fromCode(Integer.parseInt(code));
        Shape s = shape.equals("-") ? new Shape(List.of()) : TestGraph.shape(shape);
        return ValueType.tensor(e, s);
    }

    private static long[] dims(String text) {
        return text.equals("-") ? new long[0] : longs(text);
    }

    private static Tensor zeros(String code, String dimText) {
        ElementType e = ElementType.fromCode(Integer.parseInt(code));
        long[] d = dims(dimText);
        long n = Arrays.stream(d).reduce(1, (a, b) -> a * b);
        if (e == ElementType.STRING) {
            return Tensor.ofStrings(d, java.util.Collections.nCopies((int) n, new byte[0]));
        }
        return Tensor.ofRaw(e, d, ByteBuffer.allocate((int) e.byteSize(n)));
    }

    /** A tensor from dumped values, or null when the values were not dumped or the type is not packable here. */
    private static Tensor tensor(String code, String dimText, String valText) {
        ElementType e = ElementType.fromCode(Integer.parseInt(code));
        long[] d = dims(dimText);
        if (valText.equals("~")) {
            return null;
        }
        String[] p = valText.equals("-") ? new String[0] : valText.split(",");
        if (e.isFloatingPoint() && e.bits() >= 16) {
            float[] a = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                a[i] = Float.parseFloat(p[i]);
            }
            return Tensor.ofFloatsAs(e, d, a);
        }
        ByteBuffer b = ByteBuffer.allocate((int) e.byteSize(p.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (String s : p) {
            long x = Long.parseLong(s);
            switch (e.bits()) {
                case 8 -> b.put((byte) x);
                case 16 -> b.putShort((short) x);
                case 32 -> b.putInt((int) x);
                case 64 -> b.putLong(x);
                default -> {
                    return null;
                }
            }
        }
        b.flip();
        return e == ElementType.STRING ? null : Tensor.ofRaw(e, d, b);
    }
}
