package dev.yard.ir.infer;

import dev.yard.ir.ValueType;
import java.util.List;

/**
 * How one operator's output types follow from its inputs and attributes. A rule answers one
 * entry per node output (null where it cannot say), throws {@link ShapeError} when the
 * inputs are definitely inconsistent, and never guesses: an unknowable dimension is
 * {@link dev.yard.ir.Dim#UNKNOWN} and an unknowable rank is a null shape.
 */
@FunctionalInterface
interface ShapeRule {
    List<ValueType> infer(NodeContext c);
}
