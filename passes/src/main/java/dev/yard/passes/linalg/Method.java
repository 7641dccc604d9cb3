package dev.yard.passes.linalg;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The chains of DESIGN.md's factorized-conv family, by their pipeline names: what
 * {@code decompose} applies and what the numerical core fits and prices.
 */
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

}
