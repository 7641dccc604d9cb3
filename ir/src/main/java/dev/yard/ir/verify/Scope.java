package dev.yard.ir.verify;

import dev.yard.ir.Value;
import java.util.HashMap;
import java.util.Map;

/**
 * The values a graph can see, by name: its own definitions so far plus, through
 * {@code parent}, those of the enclosing graphs at the node that holds it.
 */
final class Scope {
    private final Scope parent;
    private final Map<String, Value> own = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The value visible under {@code name}, or null. */
    Value lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Value v = s.own.get(name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    boolean definedHere(String name) {
        return own.containsKey(name);
    }

    void define(Value v) {
        own.put(v.name(), v);
    }
}
