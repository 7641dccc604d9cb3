package dev.yard.ir.infer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** All shape rules, by default-domain op type; each family declares the ops it covers. */
final class ShapeRules {
    private static final List<RuleFamily> FAMILIES = List.of(
            new ElementwiseRules(),
            new ConvRules(),
            new PoolRules(),
            new MatrixRules(),
            new ShapeOpRules(),
            new SliceRules(),
            new ReduceRules(),
            new ResizeRules());

    private static final Map<String, ShapeRule> RULES = build();

    private ShapeRules() {}

    private static Map<String, ShapeRule> build() {
        Map<String, ShapeRule> m = new HashMap<>();
        for (RuleFamily f : FAMILIES) {
            f.register(m);
        }
        return Map.copyOf(m);
    }

    /** The rule for a default-domain op, or null when Yard has none. */
    static ShapeRule forOp(String opType) {
        return RULES.get(opType);
    }

    /** The op types that have a rule. */
    static java.util.Set<String> covered() {
        return RULES.keySet();
    }
}
