package dev.yard.ir;

/**
 * One dimension of a shape: a known size, a named symbol (such as {@code N}), or unknown.
 */
public sealed interface Dim permits Dim.Known, Dim.Symbolic, Dim.Unknown {

    /** A dimension of known size. */
    record Known(long size) implements Dim {
        @Override
        public String toString() {
            return Long.toString(size);
        }
    }

    /** A dimension named by a symbol, equal to every other dimension with that symbol. */
    record Symbolic(String symbol) implements Dim {
        @Override
        public String toString() {
            return symbol;
        }
    }

    /** A dimension nothing is known about. */
    record Unknown() implements Dim {
        @Override
        public String toString() {
            return "?";
        }
    }

    Unknown UNKNOWN = new Unknown();

    static Dim of(long size) {
        return new Known(size);
    }

    static Dim symbol(String symbol) {
        return new Symbolic(symbol);
    }

    default boolean isKnown() {
        return this instanceof Known;
    }

    /** The size of a known dimension; -1 otherwise. */
    default long sizeOrNegative() {
        return this instanceof Known k ? k.size() : -1;
    }
}
