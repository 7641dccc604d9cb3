package dev.yard.passes.eval;

import dev.yard.passes.eval.Evaluator.NotFoldable;

/**
 * The most elements a computed result may have. Every op asks for its index map here, so a
 * result above the cap is refused before anything of its size is allocated.
 */
final class ResultCap {
    private final long maxElements;

    ResultCap(long maxElements) {
        this.maxElements = maxElements;
    }

    /** An index map for a result of shape {@code dims}, to fill in; refused above the cap. */
    int[] indices(long[] dims) throws NotFoldable {
        long count = Broadcast.count(dims);
        if (count > maxElements) {
            throw new NotFoldable(
                    "the result would have " + count + " elements, more than max-elements=" + maxElements);
        }
        return new int[(int) count];
    }
}
