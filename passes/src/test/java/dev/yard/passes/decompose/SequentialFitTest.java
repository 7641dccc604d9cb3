package dev.yard.passes.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Sequential fitting: a layer fitted on paired statistics (what the original model feeds it,
 * and what the model with earlier layers replaced feeds it at the same positions) reproduces
 * the original layer's outputs from the inputs it really gets. Its reported error is checked
 * against the samples themselves, and it must beat the fit to the original inputs alone.
 */
class SequentialFitTest {

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"SVD", "TUCKER2"})
    void theChainReproducesTheOriginalOutputsFromTheApproximatedInputs(Method m) {
        ConvLayer c = ConvChainTest.conv(6, 5, 3, 3);
        int d = 5 * 9;
        int n = 500;
        SplittableRandom random = new SplittableRandom(5);
        double[] original = new double[n * d];
        for (int i = 0; i < original.length; i++) {
            original[i] = 1 + random.nextDouble(0, 2) * (1 + i % d) / d;
        }
        // What an approximated model feeds it: the same patches, scaled per input channel, with
        // a shift and some noise, as earlier replaced layers leave them.
        double[] approximate = new double[n * d];
        for (int i = 0; i < approximate.length; i++) {
            int channel = i % d / 9;
            approximate[i] = original[i] * (0.7 + 0.1 * channel) + 0.2 + 0.05 * random.nextGaussian();
        }
        DenseTensor kernel = ConvChain.kernel(c);
        int[] ranks = m == Method.SVD ? new int[] {3} : new int[] {3, 3};
        var choice = new Decompose.LayerChoice(m, ranks, null, 1);
        var layer = new RankSelection.Layer(6, 5, 3, 3, 1, 1);
        InputCovariance paired = InputCovariance.paired(original.clone(), approximate.clone(), d);
        InputCovariance alone = InputCovariance.fromSamples(original.clone(), d);
        for (boolean correctBias : new boolean[] {false, true}) {
            Fit sequential = Fit.conv(m, c, kernel, choice, layer, 1, paired, false, correctBias)
                    .value();
            Fit plain = Fit.conv(m, c, kernel, choice, layer, 1, alone, false, correctBias)
                    .value();
            double reported = sequential.outputError();
            double measured = error(c, sequential, original, approximate, n, d);
            assertEquals(measured, reported, 1e-9 * measured, "bias corrected: " + correctBias);
            double plainOnApproximate = error(c, plain, original, approximate, n, d);
            assertTrue(
                    measured < 0.95 * plainOnApproximate,
                    "sequential " + measured + " vs a fit to the original " + "inputs " + plainOnApproximate
                            + " (bias corrected: " + correctBias + ")");
        }
    }

    /** ||W X - (W~ X^ + b)|| / ||W X|| over the samples, b the chain's last bias. */
    private static double error(ConvLayer c, Fit fit, double[] x, double[] xa, int n, int d) {
        ConvLayer whole = fit.convs().get(0);
        for (int i = 1; i < fit.convs().size(); i++) {
            whole = ConvComposition.compose(whole, fit.convs().get(i)).value();
        }
        double[] w = c.weights();
        double[] wt = whole.weights();
        double[] b = whole.bias();
        int out = c.out();
        double residual = 0;
        double reference = 0;
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < out; o++) {
                double y = 0;
                double yt = b == null ? 0 : b[o];
                for (int j = 0; j < d; j++) {
                    y += w[o * d + j] * x[s * d + j];
                    yt += wt[o * d + j] * xa[s * d + j];
                }
                residual += (y - yt) * (y - yt);
                reference += y * y;
            }
        }
        return Math.sqrt(residual / reference);
    }
}
