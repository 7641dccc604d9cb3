package dev.yard.passes.cost;

import java.util.Locale;

/**
 * What a layer configuration costs on a target: its latency in seconds, the bytes it moves,
 * and whether the latency was measured on the target or estimated by a formula.
 */
public record Cost(double seconds, double bytes, boolean measured) {
    public static final Cost ZERO = new Cost(0, 0, true);

    /** The cost of running this and then {@code other}: measured only if both were. */
    public Cost plus(Cost other) {
        return new Cost(seconds + other.seconds, bytes + other.bytes, measured && other.measured);
    }

    public String describe() {
        return String.format(Locale.ROOT, "%.4g ms (%s)", seconds * 1e3, measured ? "measured" : "estimated");
    }
}
