package dev.yard.ir.infer;

import java.util.Map;

/** A group of related shape rules that declares, in one place, the op types it covers. */
interface RuleFamily {
    /** Adds this family's rules, keyed by default-domain op type. */
    void register(Map<String, ShapeRule> rules);
}
