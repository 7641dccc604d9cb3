package dev.yard.passes.fuse;

import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.PassContext;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.conv.ConvNodes;
import dev.yard.passes.rewrite.GraphIndex;
import dev.yard.passes.rewrite.RewriteRule;
import java.util.List;
import java.util.Set;

/**
 * Bias folding in {@code fuse-1x1}: a constant per-channel (or scalar) {@code Add} right after a
 * conv becomes the conv's bias, so a factor chain ends in one conv with its bias.
 */
final class AddIntoBias implements RewriteRule {
    private final PassContext context;

    AddIntoBias(PassContext context) {
        this.context = context;
    }

    @Override
    public Set<String> rootOps() {
        return Set.of("Conv");
    }

    @Override
    public Match match(Node conv, GraphIndex index) {
        if (conv.outputs().size() != 1) {
            return Match.NONE;
        }
        Node add = index.soleUser(conv.output(0));
        if (add == null || !add.is("Add") || add.inputs().size() != 2) {
            return Match.NONE;
        }
        Value other = add.input(0) == conv.output(0) ? add.input(1) : add.input(0);
        if (other == null || other == conv.output(0) || !other.isInitializer()) {
            return Match.NONE;
        }
        ConvLayer c = ConvLayer.read(conv).orElse(null);
        if (c == null) {
            return Match.NONE;
        }
        double[] perChannel = perChannel(other.initializer(), c.out());
        if (perChannel == null || other.initializer().elementType() != c.elementType()) {
            return Match.notApplicable(
                    add,
                    "constant of shape " + other.initializer().shape() + " is not a per-channel bias of "
                            + conv.describe());
        }
        return Match.rewrite(() -> {
            double[] bias = c.bias() == null ? new double[c.out()] : c.bias().clone();
            for (int o = 0; o < c.out(); o++) {
                bias[o] += perChannel[o];
            }
            ConvLayer folded = new ConvLayer(
                    c.out(),
                    c.inPerGroup(),
                    c.kh(),
                    c.kw(),
                    c.weights(),
                    bias,
                    c.group(),
                    c.strides(),
                    c.pads(),
                    c.dilations(),
                    c.elementType());
            Node n = ConvNodes.emit(
                    folded,
                    conv.input(0),
                    add.output(0),
                    conv.name().isEmpty() ? index.freshName(add.output(0).name()) : conv.name(),
                    index);
            index.replace(List.of(conv, add), List.of(n));
            context.applied(n, "folded " + add.describe() + " into the bias");
        });
    }

    /** The values of a constant broadcast per output channel: [1], [C,1,1] or [1,C,1,1]; null otherwise. */
    private static double[] perChannel(Tensor t, int channels) {
        long[] d = t.dims();
        long n = t.elementCount();
        boolean scalar = n == 1 && d.length <= 4;
        boolean channel = n == channels
                && ((d.length == 3 && d[0] == channels && d[1] == 1 && d[2] == 1)
                        || (d.length == 4 && d[0] == 1 && d[1] == channels && d[2] == 1 && d[3] == 1));
        if (!scalar && !channel) {
            return null;
        }
        double[] v = new double[channels];
        for (int i = 0; i < channels; i++) {
            v[i] = t.getDouble(scalar ? 0 : i);
        }
        return v;
    }
}
