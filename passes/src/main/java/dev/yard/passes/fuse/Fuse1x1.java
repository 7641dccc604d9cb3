package dev.yard.passes.fuse;

import com.google.auto.service.AutoService;
import dev.yard.ir.Model;
import dev.yard.passes.OptionSpec;
import dev.yard.passes.Pass;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassDefinition;
import dev.yard.passes.PassOptions;
import dev.yard.passes.rewrite.GraphIndex;
import dev.yard.passes.rewrite.RewriteDriver;
import java.util.List;

/**
 * {@code fuse-1x1}: cleans up the 1x1 convolutions that factor chains create. In order:
 * constant per-channel Adds fold into conv biases (so a chain's last factor carries the bias);
 * chains of linear convs merge where one conv is cheaper (two 1x1s, or a whole chain back to
 * a dense conv); 1x1 convs on 1x1 maps fold into the Gemm that follows; and sibling 1x1 convs
 * reading one tensor become one conv and a Split. Vertical merging comes before horizontal,
 * because a Split between a chain's factors would stop the chain from merging.
 */
public final class Fuse1x1 implements Pass {

    /** The pipeline declaration of {@code fuse-1x1}. */
    @AutoService(PassDefinition.class)
    public static final class Definition extends PassDefinition {
        public Definition() {
            super(
                    "fuse-1x1",
                    "Merge adjacent linear convs where cheaper, fold biases and 1x1 convs into Gemms, "
                            + "and fuse sibling 1x1 convs.",
                    List.of(
                            OptionSpec.bool("bias", true, "fold constant per-channel Adds into conv biases"),
                            OptionSpec.bool("vertical", true, "merge chains of linear convs where cheaper"),
                            OptionSpec.costModel(),
                            OptionSpec.bool("gemm", true, "fold 1x1 convs on 1x1 maps into the following Gemm"),
                            OptionSpec.bool("horizontal", true, "fuse sibling 1x1 convs reading one tensor")));
        }

        @Override
        public Pass create(PassOptions options) {
            return new Fuse1x1(
                    options.bool("bias"), options.bool("vertical"), options.bool("gemm"), options.bool("horizontal"));
        }
    }

    private final boolean bias;
    private final boolean vertical;
    private final boolean gemm;
    private final boolean horizontal;

    Fuse1x1(boolean bias, boolean vertical, boolean gemm, boolean horizontal) {
        this.bias = bias;
        this.vertical = vertical;
        this.gemm = gemm;
        this.horizontal = horizontal;
    }

    @Override
    public boolean run(Model model, PassContext context) {
        GraphIndex index = new GraphIndex(model, model.graph());
        boolean changed = false;
        // One phase after another, each to its fixpoint: biases first, so that chains end in one
        // conv with its bias; vertical merging before horizontal, because a Split between a
        // chain's factors would stop the chain from merging.
        if (bias) {
            changed |= RewriteDriver.run(index, context, List.of(new AddIntoBias(context)));
        }
        if (vertical) {
            changed |= RewriteDriver.run(index, context, List.of(new ConvChains(context)));
        }
        if (gemm) {
            changed |= RewriteDriver.run(index, context, List.of(new ConvIntoGemm(context)));
        }
        if (horizontal) {
            changed |= RewriteDriver.run(index, context, List.of(new SiblingConvs(model, context)));
        }
        return changed;
    }
}
