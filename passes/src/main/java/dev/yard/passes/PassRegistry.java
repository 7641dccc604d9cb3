package dev.yard.passes;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every pass definition on the class path, by pipeline name. */
public final class PassRegistry {
    private final Map<String, PassDefinition> byName;

    private PassRegistry(Map<String, PassDefinition> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** The passes found by {@link ServiceLoader} with this class's loader. */
    public static PassRegistry load() {
        Map<String, PassDefinition> m = new TreeMap<>();
        for (PassDefinition d : ServiceLoader.load(PassDefinition.class, PassRegistry.class.getClassLoader())) {
            PassDefinition old = m.put(d.name(), d);
            if (old != null) {
                throw new IllegalStateException("two passes are named '" + d.name() + "': "
                        + old.getClass().getName() + " and " + d.getClass().getName());
            }
        }
        return new PassRegistry(m);
    }

    /** A registry of exactly {@code definitions} (tests, embedding tools). */
    public static PassRegistry of(Collection<PassDefinition> definitions) {
        Map<String, PassDefinition> m = new TreeMap<>();
        for (PassDefinition d : definitions) {
            m.put(d.name(), d);
        }
        return new PassRegistry(m);
    }

    public PassDefinition get(String name) {
        return byName.get(name);
    }

    /** All definitions, sorted by name. */
    public Collection<PassDefinition> all() {
        return byName.values();
    }
}
