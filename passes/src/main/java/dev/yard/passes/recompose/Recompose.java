package dev.yard.passes.recompose;

import com.google.auto.service.AutoService;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Outcome;
import dev.yard.passes.Pass;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassDefinition;
import dev.yard.passes.PassOptions;
import dev.yard.passes.conv.ConvComposition;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.conv.ConvNodes;
import dev.yard.passes.rewrite.GraphIndex;
import dev.yard.passes.rewrite.RewriteDriver;
import dev.yard.passes.rewrite.RewriteRule;
import java.util.List;
import java.util.Set;

/**
 * {@code recompose}: multiplies chains of linear convolutions back into one dense conv, the
 * inverse of {@code decompose} (decompose, keep training, convert back). Two convs merge when
 * the first's output feeds only the second and {@link ConvComposition} can compose them
 * exactly; each merge removes a node, so the pass ends. A merged conv that sits between casts
 * from and back to f16 with f16 weights (a {@code precision=f32} chain recomposed) becomes an
 * f16 conv again ({@link Narrowing}), once every merge is done. Adjacent convs that stay apart
 * are reported with the reason. Weights that become unused are left for {@code dce}.
 */
public final class Recompose implements Pass {

    /** The pipeline declaration of {@code recompose}. */
    @AutoService(PassDefinition.class)
    public static final class Definition extends PassDefinition {
        public Definition() {
            super(
                    "recompose",
                    "Multiply chains of linear convolutions back into single dense convolutions.",
                    List.of());
        }

        @Override
        public Pass create(PassOptions options) {
            return new Recompose();
        }
    }

    @Override
    public boolean run(Model model, PassContext context) {
        GraphIndex index = new GraphIndex(model, model.graph());
        boolean changed = RewriteDriver.run(index, context, List.of(new MergeWithUser()));
        changed |= RewriteDriver.run(index, context, List.of(new Narrowing(context)));
        return changed;
    }

    /** A conv and the conv that alone reads its output, as one conv. */
    private static final class MergeWithUser implements RewriteRule {
        @Override
        public Set<String> rootOps() {
            return Set.of("Conv");
        }

        @Override
        public Match match(Node first, GraphIndex index) {
            if (first.outputs().size() != 1) {
                return Match.NONE;
            }
            Node second = index.soleUser(first.output(0));
            if (second == null || !second.is("Conv") || second.input(0) != first.output(0)) {
                return Match.NONE;
            }
            ConvLayer a = ConvLayer.read(first).orElse(null);
            ConvLayer b = a == null ? null : ConvLayer.read(second).orElse(null);
            if (b == null) {
                return Match.NONE;
            }
            Outcome<ConvLayer> merged = ConvComposition.compose(a, b);
            if (!merged.ok()) {
                return Match.notApplicable(second, "not merged with " + first.describe() + ": " + merged.whyNot());
            }
            return Match.rewrite(() -> {
                Node n = ConvNodes.emit(
                        merged.value(),
                        first.input(0),
                        second.output(0),
                        second.name().isEmpty()
                                ? index.freshName(second.output(0).name())
                                : second.name(),
                        index);
                index.replace(List.of(first, second), List.of(n));
            });
        }
    }
}
