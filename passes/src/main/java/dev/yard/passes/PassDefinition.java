package dev.yard.passes;

import java.util.List;

/**
 * The one declaration of a pass: its pipeline name, a one-line summary, its typed options,
 * and how to make an instance. Implementations are found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/dev.yard.passes.PassDefinition}), so the registry is
 * built from the declarations themselves, and a plug-in jar can add passes.
 */
public abstract class PassDefinition {
    private final String name;
    private final String summary;
    private final List<OptionSpec> options;

    protected PassDefinition(String name, String summary, List<OptionSpec> options) {
        this.name = name;
        this.summary = summary;
        this.options = List.copyOf(options);
    }

    public final String name() {
        return name;
    }

    public final String summary() {
        return summary;
    }

    public final List<OptionSpec> options() {
        return options;
    }

    /** Makes a pass configured by checked {@code options}. */
    public abstract Pass create(PassOptions options);

    /**
     * Why this pass, configured by {@code options}, cannot do what it was asked in a pipeline
     * run with {@code state}, or null when it can. The pass manager asks every pass of a
     * pipeline before the first one runs, so a pipeline that cannot finish fails at once,
     * naming the pass, instead of after the passes before it.
     */
    public String notApplicableTo(PassOptions options, PipelineState state) {
        return null;
    }
}
