package dev.yard.ir.verify;

import dev.yard.ir.Attribute;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ONNX requires of one operator at some opset: how many inputs and outputs, which
 * attributes exist with which kinds, which are required, and which inputs share one
 * element type T.
 *
 * @param sameType groups of input indices that must have one element type
 */
record OpSignature(
        int minInputs,
        int maxInputs,
        int minOutputs,
        int maxOutputs,
        Map<String, Attribute.Kind> attributes,
        List<String> required,
        List<int[]> sameType) {

    /** Unbounded arity, as for Concat's inputs. */
    static final int MANY = Integer.MAX_VALUE;

    static Builder inputs(int min, int max) {
        return new Builder(min, max);
    }

    /** Builds a signature in the order one reads an operator's documentation. */
    static final class Builder {
        private final int minIn;
        private final int maxIn;
        private int minOut = 1;
        private int maxOut = 1;
        private final Map<String, Attribute.Kind> attrs = new LinkedHashMap<>();
        private final List<String> required = new ArrayList<>();
        private final List<int[]> same = new ArrayList<>();

        private Builder(int minIn, int maxIn) {
            this.minIn = minIn;
            this.maxIn = maxIn;
        }

        Builder outputs(int min, int max) {
            minOut = min;
            maxOut = max;
            return this;
        }

        Builder attr(Attribute.Kind kind, String... names) {
            for (String n : names) {
                attrs.put(n, kind);
            }
            return this;
        }

        Builder required(Attribute.Kind kind, String name) {
            attrs.put(name, kind);
            required.add(name);
            return this;
        }

        Builder sameType(int... inputs) {
            same.add(inputs);
            return this;
        }

        OpSignature build() {
            return new OpSignature(
                    minIn, maxIn, minOut, maxOut, Map.copyOf(attrs), List.copyOf(required), List.copyOf(same));
        }
    }
}
