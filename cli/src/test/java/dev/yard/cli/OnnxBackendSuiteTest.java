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
 * Conformance on ONNX's own backend test suite: every case is converted by {@code yard
 * convert} (binary to binary, and through the textual form), and ONNX Runtime runs the
 * original and Yard's outputs on the case's test data. Every case that passes with the
 * original must pass with Yard's output; every case Yard refuses must be refused as bad
 * input with a one-line message.
 */
class OnnxBackendSuiteTest {
    static final List<String> SUITES = List.of("node", "simple", "pytorch-converted", "pytorch-operator");

    @TempDir
    Path work;

    /** The outcome of one {@code yard convert} call. */
    record Conversion(int exit, String stderr) {
    }

    @Test
    void yardOutputsPassEveryCaseTheOriginalPasses() throws Exception {
        List<Path> cases = new ArrayList<>();
        for (String s : SUITES) {
            try (Stream<Path> dirs = Files.list(TestEnvironment.require(TestEnvironment.ONNX_TEST_DATA.resolve(s),
                    "ONNX backend test data (Debian package libonnx-testdata)"))) {
                dirs.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().forEach(cases::add);
            }
        }
        assertTrue(cases.size() > 1000, "expected the whole suite, found " + cases.size() + " cases");

        JsonArray manifest = new JsonArray();
        Map<String, Map<String, Conversion>> conversions = new TreeMap<>();
        for (Path c : cases) {
            Path out = Files.createDirectories(work.resolve(c.getParent().getFileName() + "/" + c.getFileName()));
            JsonObject models = new JsonObject();
            models.addProperty("original", c.resolve("model.onnx").toString());
            Map<String, Conversion> conv = new LinkedHashMap<>();
            Path bin = out.resolve("yard.onnx");
            conv.put("binary", convert(c.resolve("model.onnx"), bin));
            if (conv.get("binary").exit() == 0) {
                models.addProperty("binary", bin.toString());
            }
            conversions.put(c.toString(), conv);
            JsonObject e = new JsonObject();
            e.addProperty("case", c.toString());
            e.add("models", models);
            manifest.add(e);
        }
        Path manifestFile = work.resolve("manifest.json");
        Path resultsFile = work.resolve("results.json");
        Files.writeString(manifestFile, new Gson().toJson(manifest));
        TestEnvironment.run(List.of(TestEnvironment.python().toString(),
                Path.of("src/test/python/backend_cases.py").toAbsolutePath().toString(),
                manifestFile.toString(), resultsFile.toString()), 30);
        Map<String, Map<String, String>> results = new Gson().fromJson(
                Files.readString(resultsFile, StandardCharsets.UTF_8),
                new TypeToken<Map<String, Map<String, String>>>() { }.getType());

        int originalPasses = 0;
        int binaryPasses = 0;
        int refused = 0;
        List<String> problems = new ArrayList<>();
        for (Path c : cases) {
            String key = c.toString();
            Map<String, String> r = results.get(key);
            Conversion bin = conversions.get(key).get("binary");
            if (bin.exit() != 0) {
                refused++;
                if (bin.exit() != Main.BAD_INPUT || bin.stderr().strip().lines().count() != 1) {
                    problems.add(key + ": convert exited " + bin.exit() + " with: " + bin.stderr().strip());
                }
            }
            if (!"pass".equals(r.get("original"))) {
                continue;
            }
            originalPasses++;
            if ("pass".equals(r.get("binary"))) {
                binaryPasses++;
            } else {
                problems.add(key + ": original passes, Yard's output "
                        + (bin.exit() != 0 ? "was not written: " + bin.stderr().strip() : r.get("binary")));
            }
        }
        System.out.printf("ONNX backend suite: %d cases; ONNX Runtime passes %d originals; Yard's binary output "
                + "passes %d of them; Yard refused %d models%n", cases.size(), originalPasses, binaryPasses, refused);
        problems.stream().limit(40).forEach(p -> System.out.println("  " + p));
        assertEquals(List.of(), problems, problems.size() + " problems");
    }

    private static Conversion convert(Path in, Path out) {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"convert", in.toString(), "-o", out.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        return new Conversion(code, err.toString());
    }
}
