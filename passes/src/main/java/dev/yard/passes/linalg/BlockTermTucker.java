package dev.yard.passes.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Block-term Tucker-2 (a sum of G Tucker-2 terms, De Lathauwer 2008), the decomposition behind
 * the hardware-friendly grouped chain of Tensor Yard.
 *
 * <p>Initialised from a Tucker-2 fit at the full ranks (Rout, Rin) by keeping the G diagonal
 * blocks of its core: HOSVD orders components by energy, so group g takes the g-th slice of
 * each factor. Then block coordinate descent: each term in turn is refitted, by one HOOI
 * sweep, to the residual the other terms leave. Within a term each half-step is an exact
 * maximisation (as in {@link TuckerTwo}), so the error never increases.
 */
public final class BlockTermTucker {
    private BlockTermTucker() {}

    public record Options(int maxIterations, double tolerance, TuckerTwo.Options initialization) {
        public static final Options DEFAULT = new Options(30, 1e-5, new TuckerTwo.Options(10, 1e-5));
    }

    public static BlockTermFactors fit(DenseTensor kernel, int outputRank, int inputRank, int groups) {
        return fit(kernel, outputRank, inputRank, groups, Options.DEFAULT);
    }

    public static BlockTermFactors fit(DenseTensor kernel, int outputRank, int inputRank, int groups, Options options) {
        TuckerTwo.checkKernel(kernel);
        if (groups < 1 || outputRank % groups != 0 || inputRank % groups != 0) {
            throw new IllegalArgumentException(
                    "ranks " + outputRank + ", " + inputRank + " not divisible by " + groups + " groups");
        }
        int cout = kernel.dim(0);
        int cin = kernel.dim(1);
        int s = kernel.dim(2) * kernel.dim(3);
        int ro = outputRank / groups;
        int ri = inputRank / groups;
        int fullOut = Math.min(cout, cin * s);
        int fullIn = Math.min(cin, cout * s);
        TruncatedSvd.checkRank(ro, fullOut);
        TruncatedSvd.checkRank(ri, fullIn);
        Block[] blocks = new Block[groups];
        double[] residual = kernel.data().clone();
        if (outputRank <= fullOut && inputRank <= fullIn) {
            TuckerTwo.Fit init =
                    TuckerTwo.hooi(kernel.data(), cout, cin, s, outputRank, inputRank, options.initialization());
            for (int g = 0; g < groups; g++) {
                blocks[g] = Block.diagonal(init, g, ro, ri, s);
                subtract(residual, blocks[g].expand(cout, cin, s));
            }
        } else {
            // More components than one Tucker-2 term holds: each block starts as the Tucker-2 fit
            // of what the blocks before it leave, so at full per-block ranks the first block is
            // already exact and the chain reproduces the kernel.
            for (int g = 0; g < groups; g++) {
                TuckerTwo.Fit fit = TuckerTwo.hooi(residual, cout, cin, s, ro, ri, options.initialization());
                blocks[g] = Block.diagonal(fit, 0, ro, ri, s);
                subtract(residual, blocks[g].expand(cout, cin, s));
            }
        }
        double total = DenseTensor.squaredNorm(kernel.data());
        double initial = DenseTensor.squaredNorm(residual);
        double error = initial;
        int iterations = 0;
        while (iterations < options.maxIterations() && groups > 1 && error > 0) {
            for (int g = 0; g < groups; g++) {
                add(residual, blocks[g].expand(cout, cin, s));
                blocks[g] = refit(residual, blocks[g], cout, cin, s);
                subtract(residual, blocks[g].expand(cout, cin, s));
            }
            iterations++;
            double next = DenseTensor.squaredNorm(residual);
            boolean stalled = error - next <= options.tolerance() * error;
            error = next;
            if (stalled) {
                break;
            }
        }
        return assemble(
                kernel,
                blocks,
                groups,
                TruncatedSvd.relative(error, total),
                TruncatedSvd.relative(initial, total),
                iterations);
    }

    /** One term: orthonormal uOut [Cout, ro], uIn [Cin, ri], core [ro, ri, S]. */
    record Block(DMatrixRMaj uOut, DMatrixRMaj uIn, double[] core) {
        static Block diagonal(TuckerTwo.Fit fit, int g, int ro, int ri, int s) {
            DMatrixRMaj uOut = columns(fit.uOut(), g * ro, ro);
            DMatrixRMaj uIn = columns(fit.uIn(), g * ri, ri);
            int rin = fit.uIn().numCols;
            double[] core = new double[ro * ri * s];
            for (int a = 0; a < ro; a++) {
                for (int b = 0; b < ri; b++) {
                    System.arraycopy(fit.core(), ((g * ro + a) * rin + g * ri + b) * s, core, (a * ri + b) * s, s);
                }
            }
            return new Block(uOut, uIn, core);
        }

        static Block slice(BlockTermFactors f, int g) {
            int groups = f.groups();
            int cout = f.last().dim(0);
            int cin = f.first().dim(1);
            int rout = f.core().dim(0);
            int ri = f.core().dim(1);
            int ro = rout / groups;
            int s = f.core().dim(2) * f.core().dim(3);
            DMatrixRMaj uOut = columns(Dense.wrap(cout, rout, f.last().data()), g * ro, ro);
            DMatrixRMaj firstRows = new DMatrixRMaj(ri, cin);
            System.arraycopy(f.first().data(), g * ri * cin, firstRows.data, 0, ri * cin);
            double[] core = new double[ro * ri * s];
            System.arraycopy(f.core().data(), g * ro * ri * s, core, 0, core.length);
            return new Block(uOut, Dense.transpose(firstRows), core);
        }

        double[] expand(int cout, int cin, int s) {
            return TuckerTwo.expand(
                    uOut.data, core, Dense.transpose(uIn).data, cout, cin, uOut.numCols, uIn.numCols, s);
        }
    }

    /** One HOOI sweep of a single term against the residual of the others. */
    private static Block refit(double[] target, Block b, int cout, int cin, int s) {
        int ro = b.uOut().numCols;
        int ri = b.uIn().numCols;
        DMatrixRMaj w0 = Dense.wrap(cout, cin * s, target);
        DMatrixRMaj w1 = Dense.wrap(cin, cout * s, Dense.swap01(target, cout, cin, s));
        DMatrixRMaj y = Dense.multTransA(b.uIn(), w1);
        DMatrixRMaj y0 = Dense.wrap(cout, ri * s, Dense.swap01(y.data, ri, cout, s));
        DMatrixRMaj uOut = Dense.leadingEigen(Dense.rowGram(y0), ro).leading(ro);
        DMatrixRMaj z1 = TuckerTwo.projectOut(w0, uOut, cin, s);
        DMatrixRMaj uIn = Dense.leadingEigen(Dense.rowGram(z1), ri).leading(ri);
        return new Block(uOut, uIn, TuckerTwo.coreOf(z1, uIn, ro, ri, s));
    }

    private static BlockTermFactors assemble(
            DenseTensor kernel, Block[] blocks, int groups, double rel, double initialRel, int iterations) {
        int cout = kernel.dim(0);
        int cin = kernel.dim(1);
        int ro = blocks[0].uOut().numCols;
        int ri = blocks[0].uIn().numCols;
        int s = kernel.dim(2) * kernel.dim(3);
        int rout = ro * groups;
        int rin = ri * groups;
        double[] first = new double[rin * cin];
        double[] core = new double[rout * ri * s];
        double[] last = new double[cout * rout];
        for (int g = 0; g < groups; g++) {
            System.arraycopy(Dense.transpose(blocks[g].uIn()).data, 0, first, g * ri * cin, ri * cin);
            System.arraycopy(blocks[g].core(), 0, core, g * ro * ri * s, ro * ri * s);
            for (int o = 0; o < cout; o++) {
                System.arraycopy(blocks[g].uOut().data, o * ro, last, o * rout + g * ro, ro);
            }
        }
        return new BlockTermFactors(
                DenseTensor.of(first, rin, cin, 1, 1),
                DenseTensor.of(core, rout, ri, kernel.dim(2), kernel.dim(3)),
                DenseTensor.of(last, cout, rout, 1, 1),
                groups,
                rel,
                initialRel,
                iterations);
    }

    private static DMatrixRMaj columns(DMatrixRMaj m, int from, int count) {
        DMatrixRMaj c = new DMatrixRMaj(m.numRows, count);
        for (int i = 0; i < m.numRows; i++) {
            System.arraycopy(m.data, i * m.numCols + from, c.data, i * count, count);
        }
        return c;
    }

    private static void add(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }

    private static void subtract(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] -= x[i];
        }
    }
}
