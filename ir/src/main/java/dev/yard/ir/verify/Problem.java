package dev.yard.ir.verify;

/**
 * One thing wrong with a model, found by the {@link Verifier} or by shape inference.
 *
 * @param where what the problem is about: a node's {@link dev.yard.ir.Node#describe()}, a graph or a value
 * @param message what is wrong, in words a user can act on
 */
public record Problem(String where, String message) {

    @Override
    public String toString() {
        return where + ": " + message;
    }
}
