package dev.yard.passes.cost;

import dev.yard.ir.YardException;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The cost models on the class path, by name, and {@code NAME[:ARGS]} specs resolved to one. */
public final class CostModels {
    private CostModels() {}

    /** The model when none is chosen: multiply-accumulates, the same on every machine. */
    public static final String DEFAULT = "macs";

    /** Every provider found by {@link ServiceLoader} in {@code loader}, by name. */
    public static TreeMap<String, CostModelProvider> providers(ClassLoader loader) {
        TreeMap<String, CostModelProvider> byName = new TreeMap<>();
        try {
            for (CostModelProvider p : ServiceLoader.load(CostModelProvider.class, loader)) {
                CostModelProvider before = byName.putIfAbsent(p.name(), p);
                if (before != null && before.getClass() != p.getClass()) {
                    throw YardException.badInput("two cost models are named '" + p.name() + "': "
                            + before.getClass().getName() + " and "
                            + p.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw YardException.badInput("a cost-model plugin cannot be loaded: " + e.getMessage());
        }
        return byName;
    }

    /** Creates the model {@code spec} names ({@code NAME} or {@code NAME:ARGS}). */
    public static CostModel create(String spec, ClassLoader loader) {
        return create(spec, loader, "--cost-model");
    }

    /** As {@link #create(String, ClassLoader)}; an unknown name is reported as given in {@code where}. */
    public static CostModel create(String spec, ClassLoader loader, String where) {
        String s = spec.trim();
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        String args = colon < 0 ? "" : s.substring(colon + 1);
        TreeMap<String, CostModelProvider> all = providers(loader);
        CostModelProvider p = all.get(name);
        if (p == null) {
            throw YardException.badInput(
                    where + ": unknown cost model '" + name + "' (known: " + String.join(", ", all.keySet()) + ")");
        }
        return p.create(args);
    }

    public static CostModel create(String spec) {
        return create(spec, CostModels.class.getClassLoader());
    }
}
