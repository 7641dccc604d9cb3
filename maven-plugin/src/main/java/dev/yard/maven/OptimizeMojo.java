package dev.yard.maven;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.yard.api.Optimization;
import dev.yard.api.Optimizer;
import dev.yard.api.YardModel;
import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.ir.CodeIdentity;
import dev.yard.ir.YardException;
import dev.yard.ir.io.AtomicFile;
import dev.yard.ir.io.CacheFolder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Optimizes each model of {@link #modelDirectory} with Yard and writes the result under
 * {@link #outputDirectory} at the same relative path, with its selection report beside it. A
 * model whose bytes, data, configuration and Yard version are those of the last run is skipped.
 */
@Mojo(name = "optimize", defaultPhase = LifecyclePhase.PROCESS_RESOURCES, threadSafe = true)
public final class OptimizeMojo extends YardMojo {
    /** Write each model's selection report into {@code NAME.report/} beside it. */
    @Parameter(defaultValue = "true")
    boolean report;

    /**
     * Also copy the optimized models into the classes folder (at the same relative paths), so
     * that they go into the jar; the reports stay out.
     */
    @Parameter(defaultValue = "false")
    boolean addToResources;

    /**
     * Where optimized models are kept by digest, for builds of the same inputs after a clean or
     * elsewhere (default: {@code builds/} of Yard's cache folder, {@code YARD_CACHE} or
     * {@code ~/.cache/yard}); capped at 2 GiB.
     */
    @Parameter(property = "yard.buildCache")
    File cacheDirectory;

    /** Whether to read and write {@link #cacheDirectory}. */
    @Parameter(property = "yard.useCache", defaultValue = "true")
    boolean useCache;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("yard: skipped (yard.skip)");
            return;
        }
        Path in = modelDirectory.toPath();
        Path out = outputDirectory.toPath();
        List<Path> models = ModelFiles.list(in, includes, excludes);
        if (models.isEmpty()) {
            getLog().warn("yard: no models in " + in + " match " + includes);
        }
        Path classes = Path.of(project.getBuild().getOutputDirectory());
        for (Path relative : models) {
            optimize(in.resolve(relative), out.resolve(relative), relative.toString());
            if (addToResources) {
                copy(out.resolve(relative), classes.resolve(relative));
            }
        }
    }

    private static void copy(Path from, Path to) throws MojoExecutionException {
        try {
            Files.createDirectories(to.getParent());
            AtomicFile.write(to, s -> Files.copy(from, s));
        } catch (IOException e) {
            throw new MojoExecutionException("yard: cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private void optimize(Path model, Path target, String name) throws MojoExecutionException, MojoFailureException {
        Path digestFile = sibling(target, ".yard-digest");
        Path reportDir = sibling(target, ".report");
        String digest = digest(model);
        Path cache = useCache ? buildCache() : null;
        try {
            if (Files.exists(target)
                    && Files.exists(digestFile)
                    && Files.readString(digestFile).strip().equals(digest)) {
                getLog().info("yard: " + name + " is up to date");
                return;
            }
            Files.createDirectories(target.getParent());
            if (cache != null && restore(cache, digest, target, reportDir)) {
                writeDigest(digestFile, digest);
                getLog().info("yard: " + name + ": restored from the cache " + cache
                        + " (optimized before from the same model, data, options and Yard)");
                return;
            }
        } catch (IOException e) {
            throw new MojoExecutionException("yard: " + target + ": " + e.getMessage(), e);
        }
        long start = System.nanoTime();
        try {
            Optimization result = options().optimize(YardModel.load(model));
            result.result().save(target);
            if (report) {
                result.writeReport(reportDir);
            }
            writeDigest(digestFile, digest);
            getLog().info(String.format(
                    Locale.ROOT,
                    "yard: %s: %s, predicted %s -> %s, MACs %,d -> %,d (%.1f s)",
                    name,
                    result.keptInput() ? "kept as it was" : "optimized",
                    result.predictedInput().text(),
                    result.predictedResult().text(),
                    result.statsBefore().macs(),
                    result.statsAfter().macs(),
                    (System.nanoTime() - start) / 1e9));
            for (String note : result.notes()) {
                getLog().info("yard:   " + note);
            }
            if (result.keptInput()) {
                getLog().info("yard:   kept the input: " + result.costModel() + " prices the pipeline's output at "
                        + result.predictedPipelineOutput().text() + ", above the input's "
                        + result.predictedInput().text());
            }
        } catch (YardException e) {
            String message = "yard: " + name + ": " + YardException.oneLine(String.valueOf(e.getMessage()));
            if (e.isBadInput()) {
                throw new MojoFailureException(message, e);
            }
            throw new MojoExecutionException(message, e);
        }
        if (cache != null) {
            keep(cache, digest, target, reportDir);
        }
    }

    private static Path sibling(Path target, String suffix) {
        return target.resolveSibling(target.getFileName() + suffix);
    }

    private static void writeDigest(Path file, String digest) {
        AtomicFile.write(file, s -> s.write((digest + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** The files of one cache entry: the model (its extension kept), then the report's two files. */
    private List<Path> entry(Path cache, String digest, Path target) {
        String name = target.getFileName().toString();
        String ext = name.substring(name.lastIndexOf('.') + 1);
        List<Path> files = new ArrayList<>(List.of(cache.resolve(digest + "." + ext)));
        if (report) {
            files.add(cache.resolve(digest + ".report.json"));
            files.add(cache.resolve(digest + ".report.html"));
        }
        return files;
    }

    /** Copies a whole cache entry to the target; false (nothing written) when any file is missing. */
    private boolean restore(Path cache, String digest, Path target, Path reportDir) throws IOException {
        List<Path> files = entry(cache, digest, target);
        if (!files.stream().allMatch(Files::isRegularFile)) {
            return false;
        }
        if (report) {
            Files.createDirectories(reportDir);
            AtomicFile.write(reportDir.resolve("report.json"), out -> Files.copy(files.get(1), out));
            AtomicFile.write(reportDir.resolve("report.html"), out -> Files.copy(files.get(2), out));
        }
        AtomicFile.write(target, out -> Files.copy(files.get(0), out));
        return true;
    }

    /**
     * Puts the outputs into the cache for other builds of the same inputs (a clean build, another
     * checkout, a CI job with the cache folder restored), then prunes the cache to its cap. A
     * cache that cannot be written is a warning: the build's own outputs are complete.
     */
    private void keep(Path cache, String digest, Path target, Path reportDir) {
        List<Path> files = entry(cache, digest, target);
        List<Path> from = report
                ? List.of(target, reportDir.resolve("report.json"), reportDir.resolve("report.html"))
                : List.of(target);
        try {
            Files.createDirectories(cache);
            for (int i = 0; i < files.size(); i++) {
                Path source = from.get(i);
                AtomicFile.write(files.get(i), out -> Files.copy(source, out));
            }
            CacheFolder.prune(cache, p -> true, CACHE_BYTES, files);
        } catch (IOException | YardException e) {
            getLog().warn("yard: cannot keep " + target.getFileName() + " in the cache " + cache + ": "
                    + e.getMessage());
        }
    }

    /** The most the build cache keeps, oldest entries deleted first. */
    static final long CACHE_BYTES = 2L << 30;

    /** {@link #cacheDirectory}, else {@code builds/} of Yard's cache folder. */
    private Path buildCache() {
        return cacheDirectory != null
                ? cacheDirectory.toPath()
                : TvmToolchain.cacheDir().resolve("builds");
    }

    /**
     * What the output depends on: Yard's code, the model's bytes, the calibration and evaluation
     * images, the plugins and every option.
     */
    private String digest(Path model) throws MojoExecutionException {
        Hasher h = Hashing.sha256().newHasher();
        Map<String, String> parts = new TreeMap<>();
        // Every jar the result depends on: the IR, the reader, the passes, the backends (ONNX
        // Runtime's bindings among them), the API and this plugin.
        StringBuilder code = new StringBuilder();
        for (Class<?> c : List.of(
                dev.yard.ir.Model.class,
                dev.yard.frontend.onnx.OnnxReader.class,
                dev.yard.passes.Pipeline.class,
                dev.yard.backend.onnx.OnnxWriter.class,
                ai.onnxruntime.OrtEnvironment.class,
                Optimizer.class,
                OptimizeMojo.class)) {
            code.append(CodeIdentity.of(c)).append(' ');
        }
        parts.put("code", code.toString());
        parts.put("pipeline", String.valueOf(pipeline));
        parts.put("calibration", calibrationFolder() == null ? calibration : "folder");
        parts.put("costModel", costModel);
        // A measured cost model's choices belong to the CPU they were measured on: a result
        // chosen on another machine is not restored from a shared cache.
        boolean measured = costModel.startsWith("ort") || costModel.startsWith("tvm");
        parts.put("host", measured ? dev.yard.backend.cost.OrtCostModel.HostCpu.tag() : "any");
        parts.put("budgets", String.join(";", budgets));
        parts.put("speedup", String.valueOf(speedup));
        parts.put("pixelNorm", pixelNorm);
        parts.put("inputShapes", new TreeMap<>(inputShapes).toString());
        parts.put("threads", Integer.toString(threads));
        parts.put("report", Boolean.toString(report));
        parts.forEach((k, v) -> h.putString(k + "=" + v + "\n", StandardCharsets.UTF_8));
        try {
            h.putBytes(Files.readAllBytes(model));
            List<Path> data = new ArrayList<>();
            for (File f : costModelPlugins) {
                data.add(f.toPath());
            }
            File calibrationFolder = calibrationFolder();
            for (File dir : new File[] {calibrationFolder, eval}) {
                if (dir != null && dir.isDirectory()) {
                    try (Stream<Path> s = Files.walk(dir.toPath())) {
                        s.filter(Files::isRegularFile).sorted().forEach(data::add);
                    }
                }
            }
            for (Path p : data) {
                h.putString(p.getFileName().toString(), StandardCharsets.UTF_8);
                h.putBytes(Files.isRegularFile(p) ? Files.readAllBytes(p) : new byte[0]);
            }
        } catch (IOException e) {
            throw new MojoExecutionException("yard: cannot read " + model + ": " + e.getMessage(), e);
        }
        return h.hash().toString();
    }
}
