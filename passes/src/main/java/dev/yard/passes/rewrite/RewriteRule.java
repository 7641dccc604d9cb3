package dev.yard.passes.rewrite;

import dev.yard.ir.Node;
import java.util.Set;

/**
 * One local rewrite, as the {@link RewriteDriver} applies it: the op types a match starts at,
 * and at one such node either nothing to say (the pattern does not start here), a reason the
 * rewrite does not apply, or the rewrite itself. Matching only reads the graph; every edit
 * happens in the returned {@link Match.Rewrite}, through the {@link GraphIndex}, so a rule
 * that says why not has changed nothing.
 */
public interface RewriteRule {
    /** Op types (default domain) of the nodes a match starts at. */
    Set<String> rootOps();

    /** What the rule does at {@code root}, a node of one of {@link #rootOps()}. */
    Match match(Node root, GraphIndex index);

    /** What a rule found at a node. */
    sealed interface Match {
        /** The pattern does not start at this node: nothing to report. */
        Match NONE = new None();

        /** Says nothing. */
        record None() implements Match {}

        /**
         * The pattern is there but the rewrite does not apply (not exact, not cheaper): said as
         * a skip remark on {@code at} when the driver ends, unless a later rewrite removed it.
         */
        record NotApplicable(Node at, String reason) implements Match {}

        /** The rewrite, with everything it needs computed: {@code apply} edits the graph through the index. */
        record Rewrite(Runnable apply) implements Match {}

        static Match notApplicable(Node at, String reason) {
            return new NotApplicable(at, reason);
        }

        static Match rewrite(Runnable apply) {
            return new Rewrite(apply);
        }
    }
}
