package dev.yard.ir.infer;

/**
 * Thrown by a shape rule when a node's inputs are definitely inconsistent (say, broadcasting
 * 3 against 4); inference records it as a problem of that node and moves on.
 */
final class ShapeError extends RuntimeException {
    ShapeError(String message) {
        super(message, null, false, false);
    }
}
