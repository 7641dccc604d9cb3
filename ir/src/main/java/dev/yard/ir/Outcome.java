package dev.yard.ir;

import java.util.Objects;
import java.util.function.Function;

/**
 * A result, or why there is none: how code that may not apply (read a conv, compose two,
 * fit a layer) says why not, as one value rather than a null with an out-parameter beside it.
 */
public record Outcome<T>(T value, String whyNot) {
    public Outcome {
        if ((value == null) == (whyNot == null)) {
            throw new IllegalArgumentException(
                    "an outcome holds either a value or a reason, not " + (value == null ? "neither" : "both"));
        }
    }

    public static <T> Outcome<T> of(T value) {
        return new Outcome<>(Objects.requireNonNull(value), null);
    }

    public static <T> Outcome<T> not(String whyNot) {
        return new Outcome<>(null, Objects.requireNonNull(whyNot));
    }

    public boolean ok() {
        return whyNot == null;
    }

    /** The value mapped by {@code f}, or the same reason. */
    public <R> Outcome<R> map(Function<? super T, ? extends R> f) {
        return ok() ? Outcome.of(f.apply(value)) : Outcome.not(whyNot);
    }

    /** The value, or {@code other} when there is none. */
    public T orElse(T other) {
        return ok() ? value : other;
    }
}
