package dev.yard.maven;

import dev.yard.api.Optimizer;
import java.io.File;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** What the goals share: the models, where their optimized forms go, and Yard's options. */
abstract class YardMojo extends AbstractMojo {
    /** Where the models are. */
    @Parameter(defaultValue = "${project.basedir}/src/main/models", required = true)
    File modelDirectory;

    /** Globs of the models to optimize, relative to {@link #modelDirectory}. */
    @Parameter
    List<String> includes = List.of("**/*.onnx", "**/*.onnxtxt");

    /** Globs of files to leave out. */
    @Parameter
    List<String> excludes = List.of();

    /** Where the optimized models go, at the same relative paths. */
    @Parameter(defaultValue = "${project.build.directory}/yard", required = true)
    File outputDirectory;

    /** The pass pipeline (default: Yard's, rank selection under the budget). */
    @Parameter
    String pipeline;

    /** The cost model passes decide by, e.g. {@code analytic:x86-64-avx2}, {@code ort}. */
    @Parameter(defaultValue = Optimizer.DEFAULT_COST_MODEL)
    String costModel;

    /** Jars of cost-model plugins. */
    @Parameter
    List<File> costModelPlugins = List.of();

    /** Fidelity bounds that must all hold, e.g. {@code iou>=0.97}, {@code rel-l2<=0.02}. */
    @Parameter
    List<String> budgets = List.of();

    /** Stop at the most faithful model priced this many times faster. */
    @Parameter
    Double speedup;

    /**
     * What calibration-aware fitting uses: {@code none}, {@code random} (seeded inputs), or a
     * folder of images (PNG, JPEG), relative to the project (default: none).
     */
    @Parameter(defaultValue = "none")
    String calibration;

    /** A folder of images to judge fidelity on. */
    @Parameter
    File eval;

    /** How pixels become input values, {@code MEAN,STD}. */
    @Parameter(defaultValue = "0,255")
    String pixelNorm;

    /** Shapes of dynamic inputs, by input name, e.g. {@code <x>1,3,320,320</x>}. */
    @Parameter
    Map<String, String> inputShapes = Map.of();

    /** ONNX Runtime threads for measuring. */
    @Parameter(defaultValue = "2")
    int threads;

    /** Skip the goal. */
    @Parameter(property = "yard.skip", defaultValue = "false")
    boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    /** The calibration folder, resolved against the project; null for {@code none} and {@code random}. */
    File calibrationFolder() {
        if (calibration.equals("none") || calibration.equals("random")) {
            return null;
        }
        File f = new File(calibration);
        return f.isAbsolute() ? f : new File(project.getBasedir(), calibration);
    }

    String calibrationSource() {
        File folder = calibrationFolder();
        return folder == null ? calibration : folder.toString();
    }

    /** Yard's options as configured. */
    Optimizer options() {
        Optimizer o = Optimizer.create()
                .costModel(costModel)
                .plugins(costModelPlugins.stream().map(File::toPath).toList())
                .budget(budgets.toArray(String[]::new))
                .calibration(calibrationSource())
                .pixelNorm(pixelNorm)
                .threads(threads);
        if (pipeline != null) {
            o.pipeline(pipeline);
        }
        if (speedup != null) {
            o.speedup(speedup);
        }
        if (eval != null) {
            o.eval(eval.toPath());
        }
        inputShapes.forEach(o::inputShape);
        return o;
    }
}
