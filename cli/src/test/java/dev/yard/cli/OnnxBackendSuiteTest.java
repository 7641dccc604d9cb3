package dev.yard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conformance on ONNX's own backend test suite. Every case goes through {@code yard convert}
 * four ways, and ONNX Runtime runs the original and each result on the case's test data:
 * <ul>
 *   <li>{@code binary}: .onnx to .onnx;</li>
 *   <li>{@code text}: .onnx to Yard's .onnxtxt and back to .onnx by Yard;</li>
 *   <li>{@code onnx-parser}: Yard's .onnxtxt read by ONNX's own {@code onnx.parser};</li>
 *   <li>{@code onnx-printer}: ONNX's {@code onnx.printer} text read by Yard, written as .onnx.</li>
 * </ul>
 * Every case that passes with the original must pass every way; every model Yard refuses
 * must be refused as bad input with a one-line message.
 */
class OnnxBackendSuiteTest {
    static final List<String> SUITES = List.of("node", "simple", "pytorch-converted", "pytorch-operator");
    static final List<String> VARIANTS = List.of("binary", "text", "onnx-parser", "onnx-printer");

    @TempDir
    Path work;

    /** The outcome of one {@code yard convert} call. */
    record Conversion(int exit, String stderr) {}

    @Test
    void yardOutputsPassEveryCaseTheOriginalPasses() throws Exception {
        List<Path> cases = new ArrayList<>();
        for (String s : SUITES) {
            try (Stream<Path> dirs = Files.list(TestEnvironment.require(
                    TestEnvironment.ONNX_TEST_DATA.resolve(s),
                    "ONNX backend test data (Debian package libonnx-testdata)"))) {
                dirs.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().forEach(cases::add);
            }
        }
        assertTrue(cases.size() > 1000, "expected the whole suite, found " + cases.size() + " cases");

        // onnx.printer's text of every case first, for the onnx-printer way.
        JsonArray pairs = new JsonArray();
        for (Path c : cases) {
            JsonArray pair = new JsonArray();
            pair.add(c.resolve("model.onnx").toString());
            pair.add(caseDir(c).resolve("onnx-printer.onnxtxt").toString());
            pairs.add(pair);
        }
        Path pairsFile = work.resolve("pairs.json");
        Files.writeString(pairsFile, new Gson().toJson(pairs));
        python("print-text", pairsFile.toString());

        JsonArray manifest = new JsonArray();
        Map<String, Map<String, Conversion>> conversions = new TreeMap<>();
        for (Path c : cases) {
            Path out = caseDir(c);
            JsonObject models = new JsonObject();
            models.addProperty("original", c.resolve("model.onnx").toString());
            Map<String, Conversion> conv = new LinkedHashMap<>();
            Path model = c.resolve("model.onnx");
            conv.put("binary", convert(model, out.resolve("binary.onnx")));
            Conversion toText = convert(model, out.resolve("yard.onnxtxt"));
            conv.put(
                    "text",
                    toText.exit() != 0 ? toText : convert(out.resolve("yard.onnxtxt"), out.resolve("text.onnx")));
            conv.put("onnx-parser", toText);
            Path printed = out.resolve("onnx-printer.onnxtxt");
            conv.put(
                    "onnx-printer",
                    Files.exists(printed)
                            ? convert(printed, out.resolve("onnx-printer.onnx"))
                            : new Conversion(-1, "onnx.printer could not print this model"));
            addIfWritten(models, conv, "binary", out.resolve("binary.onnx"));
            addIfWritten(models, conv, "text", out.resolve("text.onnx"));
            addIfWritten(models, conv, "onnx-parser", out.resolve("yard.onnxtxt"));
            addIfWritten(models, conv, "onnx-printer", out.resolve("onnx-printer.onnx"));
            conversions.put(c.toString(), conv);
            JsonObject e = new JsonObject();
            e.addProperty("case", c.toString());
            e.add("models", models);
            manifest.add(e);
        }
        Path manifestFile = work.resolve("manifest.json");
        Path resultsFile = work.resolve("results.json");
        Files.writeString(manifestFile, new Gson().toJson(manifest));
        python("run", manifestFile.toString(), resultsFile.toString());
        Map<String, Map<String, String>> results = new Gson()
                .fromJson(
                        Files.readString(resultsFile, StandardCharsets.UTF_8),
                        new TypeToken<Map<String, Map<String, String>>>() {}.getType());

        int originalPasses = 0;
        Map<String, Integer> passes = new TreeMap<>();
        int refused = 0;
        List<String> problems = new ArrayList<>();
        for (Path c : cases) {
            String key = c.toString();
            Map<String, String> r = results.get(key);
            Map<String, Conversion> conv = conversions.get(key);
            for (Map.Entry<String, Conversion> e : conv.entrySet()) {
                Conversion k = e.getValue();
                if (k.exit() > 0
                        && (k.exit() != Main.BAD_INPUT
                                || k.stderr().strip().lines().count() != 1)) {
                    problems.add(key + " (" + e.getKey() + "): convert exited " + k.exit() + " with: "
                            + k.stderr().strip());
                }
            }
            if (conv.get("binary").exit() != 0) {
                refused++;
            }
            if (!"pass".equals(r.get("original"))) {
                continue;
            }
            originalPasses++;
            for (String v : VARIANTS) {
                if ("pass".equals(r.get(v))) {
                    passes.merge(v, 1, Integer::sum);
                } else {
                    Conversion k = conv.get(v);
                    problems.add(key + " (" + v + "): the original passes, Yard's way does not: "
                            + (k.exit() != 0 ? k.stderr().strip() : r.get(v)));
                }
            }
        }
        System.out.printf(
                "ONNX backend suite: %d cases; ONNX Runtime passes %d originals; of those, Yard passes "
                        + "%s; Yard refused %d models%n",
                cases.size(), originalPasses, passes, refused);
        problems.stream().limit(40).forEach(p -> System.out.println("  " + p));
        assertEquals(List.of(), problems, problems.size() + " problems");
    }

    private Path caseDir(Path c) throws java.io.IOException {
        return Files.createDirectories(work.resolve(c.getParent().getFileName() + "/" + c.getFileName()));
    }

    private static void addIfWritten(JsonObject models, Map<String, Conversion> conv, String variant, Path file) {
        if (conv.get(variant).exit() == 0 && Files.exists(file)) {
            models.addProperty(variant, file.toString());
        }
    }

    private static void python(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                TestEnvironment.python().toString(),
                Path.of("src/test/python/backend_cases.py").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        TestEnvironment.run(cmd, 30);
    }

    private static Conversion convert(Path in, Path out) {
        StringWriter err = new StringWriter();
        int code = Main.run(
                new String[] {"convert", in.toString(), "-o", out.toString()},
                new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        return new Conversion(code, err.toString());
    }
}
