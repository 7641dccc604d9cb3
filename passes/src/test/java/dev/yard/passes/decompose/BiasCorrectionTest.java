package dev.yard.passes.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.passes.conv.ConvComposition;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.InputCovariance;
import dev.yard.passes.linalg.Method;
import dev.yard.passes.linalg.RankSelection;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bias correction: the chain's last bias absorbs how far the chain moves the layer's mean
 * output on the calibration samples, so the mean output is the original's again and the
 * output error is that of the centred residual, worked out here from the samples themselves.
 */
class BiasCorrectionTest {

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"SVD", "TUCKER2"})
    void theMeanOutputIsRestoredAndTheErrorIsTheCentredResiduals(Method m) {
        ConvLayer c = ConvChainTest.conv(6, 5, 3, 3);
        int d = 5 * 9;
        int n = 400;
        // Patches with a mean far from zero, as after a ReLU.
        SplittableRandom random = new SplittableRandom(11);
        double[] rows = new double[n * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = 1 + random.nextDouble(0, 2) * (1 + i % d) / d;
        }
        InputCovariance cov = InputCovariance.fromSamples(rows.clone(), d);
        DenseTensor kernel = ConvChain.kernel(c);
        int[] ranks = m == Method.SVD ? new int[] {2} : new int[] {2, 2};
        var choice = new Decompose.LayerChoice(m, ranks, null, 1);
        var layer = new RankSelection.Layer(6, 5, 3, 3, 1, 1);
        Fit plain = Fit.conv(m, c, kernel, choice, layer, 1, cov, false, false).value();
        Fit corrected =
                Fit.conv(m, c, kernel, choice, layer, 1, cov, false, true).value();
        assertNull(c.bias());
        ConvLayer lastPlain = plain.convs().get(plain.convs().size() - 1);
        ConvLayer last = corrected.convs().get(corrected.convs().size() - 1);
        assertNull(lastPlain.bias());

        double[] approx = composed(corrected);
        double[] w = c.weights();
        double[] b = last.bias();
        double residual = 0;
        double reference = 0;
        double[] meanOriginal = new double[6];
        double[] meanChain = new double[6];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < 6; o++) {
                double y = 0;
                double yt = b[o];
                for (int j = 0; j < d; j++) {
                    y += w[o * d + j] * rows[s * d + j];
                    yt += approx[o * d + j] * rows[s * d + j];
                }
                meanOriginal[o] += y / n;
                meanChain[o] += yt / n;
                residual += (y - yt) * (y - yt);
                reference += y * y;
            }
        }
        for (int o = 0; o < 6; o++) {
            assertEquals(meanOriginal[o], meanChain[o], 1e-9 * (1 + Math.abs(meanOriginal[o])));
        }
        assertEquals(Math.sqrt(residual / reference), corrected.outputError(), 1e-9);
        assertTrue(
                corrected.outputError() < plain.outputError(),
                corrected.outputError() + " not below " + plain.outputError());
        // The factors themselves are the same fit.
        assertEquals(plain.relativeError(), corrected.relativeError(), 0);
    }

    private static double[] composed(Fit fit) {
        ConvLayer whole = fit.convs().get(0);
        for (int i = 1; i < fit.convs().size(); i++) {
            whole = ConvComposition.compose(whole, fit.convs().get(i)).value();
        }
        return whole.weights();
    }
}
