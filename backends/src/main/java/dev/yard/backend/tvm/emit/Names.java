package dev.yard.backend.tvm.emit;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Python identifiers for ONNX names, chosen deterministically: characters outside
 * {@code [A-Za-z0-9_]} become underscores, a leading digit gets a {@code v_} prefix, Python
 * keywords and the names TVMScript itself uses ({@code R}, {@code I}, {@code T}) get a
 * trailing underscore, and a clash with an earlier name gets {@code _2}, {@code _3}, ...
 */
final class Names {
    private static final Set<String> RESERVED = Set.of(
            "R",
            "I",
            "T",
            "Module",
            "main",
            "False",
            "None",
            "True",
            "and",
            "as",
            "assert",
            "async",
            "await",
            "break",
            "class",
            "continue",
            "def",
            "del",
            "elif",
            "else",
            "except",
            "finally",
            "for",
            "from",
            "global",
            "if",
            "import",
            "in",
            "is",
            "lambda",
            "nonlocal",
            "not",
            "or",
            "pass",
            "raise",
            "return",
            "try",
            "while",
            "with",
            "yield",
            "match",
            "case",
            "print");

    private final Set<String> taken = new HashSet<>();
    private final Map<String, Integer> nextSuffix = new HashMap<>();

    /** A fresh identifier based on {@code onnxName}. */
    String fresh(String onnxName) {
        String base = sanitize(onnxName);
        String name = base;
        while (taken.contains(name)) {
            int k = nextSuffix.merge(base, 1, Integer::sum) + 1;
            name = base + "_" + k;
        }
        taken.add(name);
        return name;
    }

    static String sanitize(String onnxName) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < onnxName.length(); i++) {
            char c = onnxName.charAt(i);
            sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        String s = sb.toString();
        if (s.isEmpty() || Character.isDigit(s.charAt(0))) {
            s = "v_" + s;
        }
        if (RESERVED.contains(s)) {
            s = s + "_";
        }
        return s;
    }
}
