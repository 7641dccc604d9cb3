package dev.yard.passes.recompose;

import dev.yard.ir.ElementType;
import dev.yard.ir.HalfFloats;
import dev.yard.ir.Node;
import dev.yard.passes.PassContext;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.conv.ConvNodes;
import dev.yard.passes.rewrite.GraphIndex;
import dev.yard.passes.rewrite.RewriteRule;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Returns a widened f16 conv to its type: {@code Cast(to=float)} of an f16 (or bf16) value,
 * a conv in f32, and a {@code Cast} back to the same type become one conv in that type, when
 * the conv's weights and bias are values of that type up to the rounding of f32 arithmetic. That is what recompose leaves of a chain that
 * {@code decompose{precision=f32}} made of an f16 layer: the kernel composed in f32 lands on
 * the original f16 weights. A conv whose weights need f32 is a deliberate choice and stays.
 */
final class Narrowing implements RewriteRule {
    private final PassContext context;

    Narrowing(PassContext context) {
        this.context = context;
    }

    @Override
    public Set<String> rootOps() {
        return Set.of("Cast");
    }

    @Override
    public Match match(Node up, GraphIndex index) {
        if (up.intAttr("to", 0) != ElementType.FLOAT.code() || up.input(0) == null) {
            return Match.NONE;
        }
        ElementType narrow = up.input(0).elementType();
        if (narrow != ElementType.FLOAT16 && narrow != ElementType.BFLOAT16) {
            return Match.NONE;
        }
        Node conv = index.soleUser(up.output(0));
        if (conv == null || !conv.is("Conv") || conv.input(0) != up.output(0)) {
            return Match.NONE;
        }
        Node down = index.soleUser(conv.output(0));
        if (down == null || !down.is("Cast") || down.intAttr("to", 0) != narrow.code()) {
            return Match.NONE;
        }
        ConvLayer c = ConvLayer.read(conv).orElse(null);
        if (c == null || !representable(c.weights(), narrow) || c.bias() != null && !representable(c.bias(), narrow)) {
            return Match.NONE;
        }
        return Match.rewrite(() -> {
            Node n = ConvNodes.emit(
                    c.withElementType(narrow),
                    up.input(0),
                    down.output(0),
                    conv.name().isEmpty() ? index.freshName(down.output(0).name()) : conv.name(),
                    index);
            index.replace(List.of(up, conv, down), List.of(n));
            context.applied(
                    n,
                    String.format(
                            Locale.ROOT,
                            "weights are %s values: computed in %s again, without " + "the casts",
                            narrow.textName(),
                            narrow.textName()));
        });
    }

    /**
     * Whether every value is one of {@code t}'s, up to 1/64 of {@code t}'s spacing at the
     * largest magnitude among them: the error f32 arithmetic leaves on a kernel composed from
     * f32 factors, far below the half spacing a kernel that needs f32 shows somewhere.
     */
    static boolean representable(double[] values, ElementType t) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, Math.abs(v));
        }
        float top = (float) max;
        double tolerance = (t == ElementType.BFLOAT16 ? Math.ulp(top) * 65536 : halfUlp(top)) / 64;
        for (double v : values) {
            float r = HalfFloats.round(t, (float) v);
            if (Float.isInfinite(r) || Math.abs(v - r) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /** The spacing of f16 values at {@code r}: 2^-24 below 2^-14 (subnormals), 2^(e-10) above. */
    private static double halfUlp(float r) {
        float a = Math.abs(r);
        return a < 0x1p-14f ? 0x1p-24 : Math.ulp(a) * 8192;
    }
}
