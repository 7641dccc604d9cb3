package dev.yard.passes.decompose;

import dev.yard.ir.Outcome;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.BlockTermFactors;
import dev.yard.passes.linalg.BlockTermTucker;
import dev.yard.passes.linalg.CpAls;
import dev.yard.passes.linalg.CpFactors;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.InputCovariance;
import dev.yard.passes.linalg.LowRankFactors;
import dev.yard.passes.linalg.Method;
import dev.yard.passes.linalg.RankSelection;
import dev.yard.passes.linalg.TensorTrain;
import dev.yard.passes.linalg.TensorTrainFactors;
import dev.yard.passes.linalg.TruncatedSvd;
import dev.yard.passes.linalg.TuckerTwo;
import dev.yard.passes.linalg.TuckerTwoFactors;
import dev.yard.passes.linalg.WhitenedTuckerTwo;
import java.util.List;
import java.util.Locale;

/**
 * One conv's factorization: the chain of convs, the ranks used, and the error the numerical
 * core achieved (reported as it is, degenerate CP fits included).
 */
record Fit(List<ConvLayer> convs, int[] ranks, double relativeError, double outputError, String note) {

    Fit(List<ConvLayer> convs, int[] ranks, double relativeError, String note) {
        this(convs, ranks, relativeError, Double.NaN, note);
    }

    /** The layer's own error: on its calibration outputs when fitted on them, else on its weights. */
    double layerError() {
        return Double.isNaN(outputError) ? relativeError : outputError;
    }

    /** ", output error e on the calibration data" for a calibrated fit, nothing otherwise. */
    static String outputError(double relativeOutputError) {
        return Double.isNaN(relativeOutputError)
                ? ""
                : String.format(Locale.ROOT, ", output error %.3g on calibration data", relativeOutputError);
    }

    /** {@code fit} with the mean shift on {@code patches} added to its last conv's bias, and its output error so. */
    private static Fit withMeanShift(Fit fit, DenseTensor kernel, InputCovariance patches) {
        // W μ - W~ μ^: the kernel on the mean patch the original model feeds it, less the chain
        // on the mean patch it will get (the same patch unless fitted sequentially).
        double[] mu = patches.originalMean();
        double[] chain = onPatch(fit.convs(), patches.mean(), kernel.dim(1), kernel.dim(2) * kernel.dim(3));
        int d = mu.length;
        double[] shift = new double[kernel.dim(0)];
        for (int o = 0; o < shift.length; o++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += kernel.data()[o * d + j] * mu[j];
            }
            shift[o] = s - chain[o];
        }
        List<ConvLayer> convs = new java.util.ArrayList<>(fit.convs());
        ConvLayer last = convs.get(convs.size() - 1);
        double[] bias =
                last.bias() == null ? new double[last.out()] : last.bias().clone();
        for (int i = 0; i < bias.length; i++) {
            bias[i] += shift[i];
        }
        convs.set(
                convs.size() - 1,
                new ConvLayer(
                        last.out(),
                        last.inPerGroup(),
                        last.kh(),
                        last.kw(),
                        last.weights(),
                        bias,
                        last.group(),
                        last.strides(),
                        last.pads(),
                        last.dilations(),
                        last.elementType()));
        // The fit's output error is exact for both methods; the shift's share comes off it.
        double error = patches.withShift(kernel, fit.outputError(), shift);
        String before = outputError(fit.outputError());
        String rest = fit.note().startsWith(before) ? fit.note().substring(before.length()) : "";
        return new Fit(
                List.copyOf(convs),
                fit.ranks(),
                fit.relativeError(),
                error,
                outputError(error) + rest + ", bias corrected");
    }

    /**
     * What a chain of 1x1 convs around one conv spanning the whole window computes from one
     * patch ({@code channels} x {@code window} values, as a row of the original kernel), biases
     * aside: the 1x1 convs before it act at every position of the window, those after it on
     * its outputs.
     */
    static double[] onPatch(List<ConvLayer> chain, double[] patch, int channels, int window) {
        double[] x = patch;
        int c = channels;
        int positions = window;
        for (ConvLayer conv : chain) {
            int kk = conv.kh() * conv.kw();
            double[] w = conv.weights();
            double[] y;
            if (kk == 1) {
                y = new double[conv.out() * positions];
                for (int r = 0; r < conv.out(); r++) {
                    for (int i = 0; i < c; i++) {
                        double wi = w[r * c + i];
                        if (wi == 0) {
                            continue;
                        }
                        for (int p = 0; p < positions; p++) {
                            y[r * positions + p] += wi * x[i * positions + p];
                        }
                    }
                }
            } else { // the conv spanning the window: kk == positions
                y = new double[conv.out()];
                int len = c * positions;
                for (int r = 0; r < conv.out(); r++) {
                    double s = 0;
                    for (int j = 0; j < len; j++) {
                        s += w[r * len + j] * x[j];
                    }
                    y[r] = s;
                }
                positions = 1;
            }
            x = y;
            c = conv.out();
        }
        return x;
    }

    /**
     * Fits {@code m}, or says why not (the ranks cannot be chosen, the fit is degenerate);
     * {@code refit} false skips refitting the factors to the stored precision (a quicker,
     * rougher fit); {@code correctBias} adds to the chain's last bias how far the
     * outputs' mean moves on the calibration data (svd and tucker2 fitted on it).
     */
    static Outcome<Fit> conv(
            Method m,
            ConvLayer c,
            DenseTensor kernel,
            Decompose.LayerChoice choice,
            RankSelection.Layer layer,
            int multiple,
            InputCovariance cov,
            boolean refit,
            boolean correctBias) {
        InputCovariance patches = patches(c, cov);
        boolean sequential = patches != null && patches.paired() && (m == Method.SVD || m == Method.TUCKER2);
        // Sequential: the chain reproduces the original outputs from the inputs it will get.
        Outcome<Fit> exact = exact(m, c, sequential ? patches.target(kernel) : kernel, choice, layer, multiple, cov);
        if (!exact.ok()) {
            return exact;
        }
        Fit fit = exact.value();
        if (sequential) {
            double error = patches.errorAgainstOriginal(kernel, composed(fit.convs()));
            fit = new Fit(
                    fit.convs(),
                    fit.ranks(),
                    fit.relativeError(),
                    error,
                    outputError(error) + ", fitted to the inputs of the model with earlier layers replaced");
        }
        if (correctBias && patches != null && patches.mean() != null && (m == Method.SVD || m == Method.TUCKER2)) {
            fit = withMeanShift(fit, kernel, patches);
        }
        if (!refit || patches(c, cov) != null || !RoundingRefit.applies(m, c.elementType())) {
            return Outcome.of(fit);
        }
        RoundingRefit.Result r = RoundingRefit.refit(m, c, fit.convs());
        return Outcome.of(new Fit(
                r.convs(),
                fit.ranks(),
                r.relativeError(),
                fit.outputError(),
                fit.note() + ", as stored in " + c.elementType().textName()));
    }

    /** The kernel a chain of convs amounts to (biases aside), as [out, in·kh·kw]. */
    static DenseTensor composed(List<ConvLayer> chain) {
        ConvLayer whole = chain.get(0);
        for (int i = 1; i < chain.size(); i++) {
            whole = dev.yard.passes.conv.ConvComposition.compose(whole, chain.get(i))
                    .value();
        }
        return DenseTensor.of(whole.weights(), whole.out(), whole.weights().length / whole.out());
    }

    /** The covariance of the conv's im2col patches, if {@code cov} is one. */
    private static InputCovariance patches(ConvLayer c, InputCovariance cov) {
        return cov != null && cov.dimension() == c.inPerGroup() * c.kh() * c.kw() ? cov : null;
    }

    /** The fit in exact arithmetic, before the factors are rounded to the model's type. */
    private static Outcome<Fit> exact(
            Method m,
            ConvLayer c,
            DenseTensor kernel,
            Decompose.LayerChoice choice,
            RankSelection.Layer layer,
            int multiple,
            InputCovariance cov) {
        InputCovariance patches = patches(c, cov);
        if (m == Method.TT && choice.ranks() == null && choice.spec() instanceof RankSpec.ErrorBound e) {
            TensorTrainFactors f = TensorTrain.fitWithin(kernel, e.relativeError());
            return Outcome.of(new Fit(ConvChain.tt(c, f), f.ranks(), f.relativeError(), ""));
        }
        Outcome<int[]> ranks = choice.ranks() != null
                ? Outcome.of(choice.ranks())
                : RankChooser.choose(choice.spec(), m, kernel, layer, choice.groups(), multiple);
        if (!ranks.ok()) {
            return Outcome.not(ranks.whyNot());
        }
        int[] r = ranks.value();
        int[] full = m.fullRanks(c.out(), c.in(), c.kh(), c.kw(), choice.groups());
        for (int i = 0; i < r.length; i++) {
            if (r[i] > full[i]) {
                return Outcome.not("rank " + r[i] + " exceeds what mode " + i + " can hold (" + full[i] + ")");
            }
        }
        return switch (m) {
            case SVD -> {
                LowRankFactors f = patches != null
                        ? TruncatedSvd.fitWhitened(kernel, r[0], patches)
                        : TruncatedSvd.fit(kernel, r[0]);
                yield Outcome.of(new Fit(
                        ConvChain.svd(c, f),
                        r,
                        f.relativeError(),
                        f.relativeOutputError(),
                        outputError(f.relativeOutputError())));
            }
            case TUCKER2 -> {
                TuckerTwoFactors f = patches != null
                        ? WhitenedTuckerTwo.fit(kernel, r[0], r[1], patches)
                        : TuckerTwo.fit(kernel, r[0], r[1]);
                yield Outcome.of(new Fit(
                        ConvChain.tucker2(c, f),
                        r,
                        f.relativeError(),
                        f.relativeOutputError(),
                        outputError(f.relativeOutputError())));
            }
            case BTD -> {
                if (r[0] % choice.groups() != 0 || r[1] % choice.groups() != 0) {
                    yield Outcome.not(
                            "ranks " + r[0] + ", " + r[1] + " are not multiples of " + choice.groups() + " groups");
                }
                BlockTermFactors f = BlockTermTucker.fit(kernel, r[0], r[1], choice.groups());
                yield Outcome.of(
                        new Fit(ConvChain.btd(c, f), r, f.relativeError(), ", " + choice.groups() + " groups"));
            }
            case CP -> {
                CpFactors f = CpAls.fit(kernel, r[0]);
                if (f.diverged()) {
                    yield Outcome.not(String.format(
                            Locale.ROOT,
                            "the CP fit at rank %d is degenerate (components "
                                    + "%.3g times the kernel's norm, relative error %.3g); try a lower rank or tucker2",
                            r[0],
                            f.componentRatio(),
                            f.relativeError()));
                }
                yield Outcome.of(new Fit(ConvChain.cp(c, f), r, f.relativeError(), ""));
            }
            case TT -> {
                TensorTrainFactors f = TensorTrain.fit(kernel, r[0], r[1], r[2]);
                yield Outcome.of(new Fit(ConvChain.tt(c, f), f.ranks(), f.relativeError(), ""));
            }
        };
    }
}
