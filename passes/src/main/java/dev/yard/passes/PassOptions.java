package dev.yard.passes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The checked option values of one pass instance: what the pipeline gave, else the defaults. */
public final class PassOptions {
    private final Map<String, OptionSpec> specs = new LinkedHashMap<>();
    private final Map<String, String> given;

    PassOptions(List<OptionSpec> specs, Map<String, String> given) {
        for (OptionSpec s : specs) {
            this.specs.put(s.name(), s);
        }
        this.given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
    }

    /** Options set explicitly, in the order given. */
    public Map<String, String> given() {
        return given;
    }

    public boolean isGiven(String name) {
        return given.containsKey(name);
    }

    /** The textual value (given or default); null for an unset option without default. */
    public String string(String name) {
        OptionSpec s = spec(name);
        return given.getOrDefault(name, s.defaultValue());
    }

    public long integer(String name) {
        return Long.parseLong(string(name));
    }

    public double real(String name) {
        return Double.parseDouble(string(name));
    }

    public boolean bool(String name) {
        return Boolean.parseBoolean(string(name));
    }

    private OptionSpec spec(String name) {
        OptionSpec s = specs.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no option '" + name + "' declared");
        }
        return s;
    }
}
