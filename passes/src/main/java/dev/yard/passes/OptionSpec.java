package dev.yard.passes;

import java.util.List;
import java.util.Locale;

/**
 * A typed option of a pass: its name, kind, default and one-line description. Values arrive
 * as text from a pipeline string and are checked here, so a pass only sees valid values.
 */
public record OptionSpec(String name, Kind kind, List<String> choices, String defaultValue, String description) {

    /** The kinds of option values. */
    public enum Kind {
        INT,
        FLOAT,
        BOOL,
        STRING,
        CHOICE
    }

    public OptionSpec {
        choices = List.copyOf(choices);
    }

    public static OptionSpec integer(String name, long dflt, String description) {
        return new OptionSpec(name, Kind.INT, List.of(), Long.toString(dflt), description);
    }

    public static OptionSpec real(String name, double dflt, String description) {
        return new OptionSpec(name, Kind.FLOAT, List.of(), Double.toString(dflt), description);
    }

    public static OptionSpec bool(String name, boolean dflt, String description) {
        return new OptionSpec(name, Kind.BOOL, List.of(), Boolean.toString(dflt), description);
    }

    /** A free-form string; {@code dflt} may be null for "not given". */
    public static OptionSpec string(String name, String dflt, String description) {
        return new OptionSpec(name, Kind.STRING, List.of(), dflt, description);
    }

    /**
     * The {@code cost-model} option of a pass that decides by costs: {@code NAME[:ARGS]} of the
     * model this pass alone decides by (e.g. {@code analytic:ascend-310}); the pipeline's when not given.
     */
    public static OptionSpec costModel() {
        return string(COST_MODEL, null, "the cost model this pass decides by, NAME[:ARGS] (default: the pipeline's)");
    }

    /** The name of the {@link #costModel()} option, read by the pass manager. */
    public static final String COST_MODEL = "cost-model";

    public static OptionSpec choice(String name, List<String> choices, String dflt, String description) {
        return new OptionSpec(name, Kind.CHOICE, choices, dflt, description);
    }

    /** Checks a textual value; returns null when valid, else what is wrong with it. */
    String problemWith(String value) {
        switch (kind) {
            case INT -> {
                try {
                    Long.parseLong(value);
                    return null;
                } catch (NumberFormatException e) {
                    return "'" + value + "' is not an integer";
                }
            }
            case FLOAT -> {
                try {
                    Double.parseDouble(value);
                    return null;
                } catch (NumberFormatException e) {
                    return "'" + value + "' is not a number";
                }
            }
            case BOOL -> {
                String v = value.toLowerCase(Locale.ROOT);
                return v.equals("true") || v.equals("false") ? null : "'" + value + "' is not true or false";
            }
            case CHOICE -> {
                return choices.contains(value) ? null : "'" + value + "' is not one of " + String.join(", ", choices);
            }
            default -> {
                return null;
            }
        }
    }
}
