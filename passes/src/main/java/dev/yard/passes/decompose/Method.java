package dev.yard.passes.decompose;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The factorizations {@code decompose} can apply, by their pipeline names. */
public enum Method {
    SVD, TUCKER2, BTD, CP, TT;

    /** Pipeline name: {@code svd}, {@code tucker2}, ... */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every pipeline name, plus {@code auto}. */
    public static List<String> choices() {
        List<String> c = new java.util.ArrayList<>(Arrays.stream(values()).map(Method::text).toList());
        c.add(0, "auto");
        return c;
    }

    public static Method of(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }

    dev.yard.passes.linalg.RankSelection.Method linalg() {
        return dev.yard.passes.linalg.RankSelection.Method.valueOf(name());
    }
}
