package dev.yard.passes.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.yard.ir.ElementType;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.Method;
import dev.yard.passes.linalg.RankSelection;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A fit taken from the cache writes the same tensors as the fit put into it, and pruning forgets fits. */
class FitCacheTest {

    @ParameterizedTest
    @EnumSource(
            value = ElementType.class,
            names = {"FLOAT", "FLOAT16"})
    void aCachedFitWritesTheSameTensors(ElementType type) {
        ConvLayer c = ConvChainTest.conv(6, 5, 3, 3).withElementType(type);
        var choice = new Decompose.LayerChoice(Method.TUCKER2, new int[] {3, 2}, null, 1);
        Fit fit = Fit.conv(
                        Method.TUCKER2,
                        c,
                        ConvChain.kernel(c),
                        choice,
                        new RankSelection.Layer(6, 5, 3, 3, 1, 1),
                        1,
                        null,
                        false,
                        false)
                .value();
        FitCache cache = new FitCache();
        String what = FitCache.what("tucker2", new int[] {3, 2}, 1);
        cache.put("conv", what, fit);
        Fit back = cache.conv("conv", what);
        assertEquals(fit.convs().size(), back.convs().size());
        for (int i = 0; i < fit.convs().size(); i++) {
            assertEquals(
                    fit.convs().get(i).weightTensor().digest(),
                    back.convs().get(i).weightTensor().digest(),
                    "conv " + i);
        }
        assertEquals(fit.outputError(), back.outputError(), 0);
        assertEquals(1, cache.size());
        cache.retainOnly("conv", Set.of());
        assertNull(cache.conv("conv", what));
        assertEquals(0, cache.size());
    }
}
