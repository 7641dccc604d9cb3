package dev.yard.maven;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.yard.api.Comparison;
import dev.yard.api.YardModel;
import dev.yard.ir.YardException;
import dev.yard.ir.io.AtomicFile;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The regression gate: runs each model of {@code modelDirectory} and its optimized form (from
 * the goal {@code optimize}) side by side in ONNX Runtime and fails the build when, against
 * the committed {@link #baseline}, an output's error grew or the speed-up shrank past the
 * thresholds, or a budget bound that held now breaks. {@code -Dyard.baseline.update=true}
 * writes the baseline from this run instead.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public final class CheckMojo extends YardMojo {
    /** The committed baseline: per model, its speed-up, its outputs' errors and budget scores. */
    @Parameter(defaultValue = "${project.basedir}/src/test/yard/baseline.json", required = true)
    File baseline;

    /** How much an output's relative L2 error may grow, relative to the baseline's (0.1: 10%). */
    @Parameter(defaultValue = "0.1")
    double maxErrorIncrease;

    /** How much the measured speed-up may shrink, relative to the baseline's (0.1: 10%). */
    @Parameter(defaultValue = "0.1")
    double maxSlowdown;

    /** Whether latency is measured and checked (timing makes the check take a few seconds a model). */
    @Parameter(defaultValue = "true")
    boolean checkLatency;

    /** Write the baseline from this run instead of checking against it. */
    @Parameter(property = "yard.baseline.update", defaultValue = "false")
    boolean update;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("yard: check skipped (yard.skip)");
            return;
        }
        Path in = modelDirectory.toPath();
        Path out = outputDirectory.toPath();
        JsonObject base = update ? new JsonObject() : readBaseline();
        JsonObject measured = new JsonObject();
        List<String> failures = new ArrayList<>();
        for (Path relative : ModelFiles.list(in, includes, excludes)) {
            String name = relative.toString().replace(File.separatorChar, '/');
            Path optimized = out.resolve(relative);
            if (!Files.exists(optimized)) {
                throw new MojoFailureException("yard: check: " + name + " has no optimized form " + optimized
                        + " (run the goal optimize first)");
            }
            JsonObject now;
            try {
                Comparison c = options()
                        .compare(YardModel.load(in.resolve(relative)), YardModel.load(optimized), checkLatency);
                now = toJson(c);
            } catch (YardException e) {
                String message = "yard: check: " + name + ": " + YardException.oneLine(String.valueOf(e.getMessage()));
                if (e.isBadInput()) {
                    throw new MojoFailureException(message, e);
                }
                throw new MojoExecutionException(message, e);
            }
            measured.add(name, now);
            if (update) {
                continue;
            }
            if (!base.has(name)) {
                failures.add(name + ": not in the baseline");
                continue;
            }
            List<String> regressions = regressions(base.getAsJsonObject(name), now);
            if (regressions.isEmpty()) {
                getLog().info("yard: check: " + name + " is within the baseline (" + summary(now) + ")");
            } else {
                failures.add(name + ": " + String.join("; ", regressions));
            }
        }
        if (update) {
            writeBaseline(measured);
            getLog().info("yard: check: wrote the baseline " + baseline);
            return;
        }
        if (!failures.isEmpty()) {
            throw new MojoFailureException("yard: check against " + baseline + ": " + String.join(" | ", failures)
                    + " (-Dyard.baseline.update=true rewrites the baseline)");
        }
    }

    private List<String> regressions(JsonObject base, JsonObject now) {
        List<String> found = new ArrayList<>();
        JsonObject baseErrors = base.getAsJsonObject("errors");
        for (Map.Entry<String, JsonElement> e : now.getAsJsonObject("errors").entrySet()) {
            double v = e.getValue().getAsDouble();
            if (baseErrors == null || !baseErrors.has(e.getKey())) {
                found.add("output " + e.getKey() + " is not in the baseline");
                continue;
            }
            double limit = baseErrors.get(e.getKey()).getAsDouble() * (1 + maxErrorIncrease) + 1e-7;
            if (v > limit) {
                found.add(String.format(
                        Locale.ROOT,
                        "output %s rel. L2 error %.4g > %.4g (baseline %.4g + %.0f%%)",
                        e.getKey(),
                        v,
                        limit,
                        baseErrors.get(e.getKey()).getAsDouble(),
                        100 * maxErrorIncrease));
            }
        }
        JsonObject baseScores = base.getAsJsonObject("scores");
        JsonObject scores = now.getAsJsonObject("scores");
        if (baseScores != null) {
            for (Map.Entry<String, JsonElement> e : baseScores.entrySet()) {
                JsonObject b = e.getValue().getAsJsonObject();
                JsonObject n = scores.has(e.getKey()) ? scores.getAsJsonObject(e.getKey()) : null;
                if (b.get("within").getAsBoolean()
                        && (n == null || !n.get("within").getAsBoolean())) {
                    found.add(e.getKey()
                            + (n == null
                                    ? " was not measured"
                                    : " breaks: " + n.get("value").getAsString()));
                }
            }
        }
        if (checkLatency && base.has("speedup") && now.has("speedup")) {
            double b = base.get("speedup").getAsDouble();
            double v = now.get("speedup").getAsDouble();
            if (v < b * (1 - maxSlowdown)) {
                found.add(String.format(
                        Locale.ROOT,
                        "speed-up %.3gx < %.3gx (baseline %.3gx - %.0f%%)",
                        v,
                        b * (1 - maxSlowdown),
                        b,
                        100 * maxSlowdown));
            }
        }
        return found;
    }

    private static String summary(JsonObject now) {
        List<String> parts = new ArrayList<>();
        now.getAsJsonObject("errors").entrySet().forEach(e -> parts.add(e.getKey() + " rel. L2 " + e.getValue()));
        if (now.has("speedup")) {
            parts.add("speed-up " + now.get("speedup").getAsString() + "x");
        }
        return String.join(", ", parts);
    }

    /** The comparison as the baseline keeps it: 4 significant digits, keys sorted. */
    private static JsonObject toJson(Comparison c) {
        JsonObject o = new JsonObject();
        JsonObject errors = new JsonObject();
        Map<String, Double> sorted = new TreeMap<>();
        c.outputErrors().forEach(e -> sorted.put(e.output(), e.relativeL2()));
        sorted.forEach((k, v) -> errors.addProperty(k, round(v)));
        o.add("errors", errors);
        JsonObject scores = new JsonObject();
        for (Comparison.Score s : c.scores()) {
            JsonObject one = new JsonObject();
            one.addProperty("value", round(s.value()));
            one.addProperty("within", s.within());
            scores.add(s.bound(), one);
        }
        o.add("scores", scores);
        if (c.latency() != null) {
            o.addProperty(
                    "speedup", round(c.latency().beforeMillis() / c.latency().afterMillis()));
        }
        return o;
    }

    private static BigDecimal round(double v) {
        return Double.isFinite(v) ? new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros() : BigDecimal.ZERO;
    }

    private JsonObject readBaseline() throws MojoFailureException {
        if (!baseline.isFile()) {
            throw new MojoFailureException("yard: check: no baseline " + baseline
                    + " (write it with -Dyard.baseline.update=true and commit it)");
        }
        try {
            JsonElement e = JsonParser.parseString(Files.readString(baseline.toPath()));
            if (!e.isJsonObject()) {
                throw new MojoFailureException("yard: check: " + baseline + ": expected a JSON object of models");
            }
            return e.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new MojoFailureException("yard: check: " + baseline + ": " + e.getMessage(), e);
        }
    }

    private void writeBaseline(JsonObject measured) throws MojoExecutionException {
        try {
            Files.createDirectories(baseline.toPath().toAbsolutePath().getParent());
            byte[] bytes = (new GsonBuilder()
                                    .setPrettyPrinting()
                                    .disableHtmlEscaping()
                                    .create()
                                    .toJson(measured) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            AtomicFile.write(baseline.toPath(), s -> s.write(bytes));
        } catch (IOException | YardException e) {
            throw new MojoExecutionException("yard: check: cannot write " + baseline + ": " + e.getMessage(), e);
        }
    }
}
