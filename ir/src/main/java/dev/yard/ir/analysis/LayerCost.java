package dev.yard.ir.analysis;

import dev.yard.ir.Dim;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Value;

/**
 * Parameter and multiply-accumulate counts of one node, from its weights and the shapes
 * known in the IR. A symbolic batch dimension counts as 1; a count that depends on an
 * unknown dimension is reported as unknown (-1).
 */
public record LayerCost(long parameters, long macs) {

    public static final long UNKNOWN = -1;

    /** Counts for {@code n}; parameters are the elements of its constant inputs (initializers or Constant nodes). */
    public static LayerCost of(Node n) {
        long params = 0;
        for (Value v : n.inputs()) {
            if (v != null && v.isInitializer()) {
                params += v.initializer().elementCount();
            } else if (v != null
                    && v.producer() != null
                    && v.producer().is("Constant")
                    && v.producer().attribute("value") != null
                    && !v.producer().attribute("value").isReference()) {
                // Exporters such as Paddle's keep weights in Constant nodes.
                params += v.producer().attribute("value").asTensor().elementCount();
            }
        }
        return new LayerCost(params, macs(n));
    }

    private static long macs(Node n) {
        if (!n.isDefaultDomain()) {
            return 0;
        }
        return switch (n.opType()) {
            case "Conv", "ConvInteger" -> conv(n);
            case "ConvTranspose" -> convTranspose(n);
            case "Gemm" -> gemm(n);
            case "MatMul", "MatMulInteger" -> matmul(n);
            default -> 0;
        };
    }

    private static long conv(Node n) {
        Shape w = shapeOf(n.input(1));
        Shape y = shapeOf(n.output(0));
        if (w == null || y == null || !w.isStatic() || y.rank() != w.rank()) {
            return UNKNOWN;
        }
        long perOutput = 1;
        for (int i = 1; i < w.rank(); i++) {
            perOutput *= w.dim(i).sizeOrNegative();
        }
        long outputs = batch(y);
        for (int i = 1; i < y.rank(); i++) {
            long s = y.dim(i).sizeOrNegative();
            if (s < 0) {
                return UNKNOWN;
            }
            outputs *= s;
        }
        return outputs * perOutput;
    }

    private static long convTranspose(Node n) {
        Shape x = shapeOf(n.input(0));
        Shape w = shapeOf(n.input(1));
        if (x == null || w == null || !w.isStatic()) {
            return UNKNOWN;
        }
        long perInput = 1;
        for (int i = 1; i < w.rank(); i++) {
            perInput *= w.dim(i).sizeOrNegative();
        }
        long inputs = batch(x);
        for (int i = 1; i < x.rank(); i++) {
            long s = x.dim(i).sizeOrNegative();
            if (s < 0) {
                return UNKNOWN;
            }
            inputs *= s;
        }
        return inputs * perInput;
    }

    private static long gemm(Node n) {
        Shape a = shapeOf(n.input(0));
        Shape y = shapeOf(n.output(0));
        if (a == null || y == null || a.rank() != 2 || y.rank() != 2) {
            return UNKNOWN;
        }
        long k = a.dim(n.intAttr("transA", 0) == 0 ? 1 : 0).sizeOrNegative();
        long m = dimOrOne(y.dim(0));
        long cols = y.dim(1).sizeOrNegative();
        return k < 0 || cols < 0 ? UNKNOWN : m * k * cols;
    }

    private static long matmul(Node n) {
        Shape a = shapeOf(n.input(0));
        Shape y = shapeOf(n.output(0));
        if (a == null || y == null || a.rank() == 0) {
            return UNKNOWN;
        }
        long k = a.dim(a.rank() - 1).sizeOrNegative();
        if (k < 0) {
            return UNKNOWN;
        }
        long outputs = 1;
        for (int i = 0; i < y.rank(); i++) {
            long s = i == 0 ? dimOrOne(y.dim(0)) : y.dim(i).sizeOrNegative();
            if (s < 0) {
                return UNKNOWN;
            }
            outputs *= s;
        }
        return outputs * k;
    }

    /** A symbolic leading (batch) dimension counts as 1. */
    private static long batch(Shape s) {
        return dimOrOne(s.dim(0));
    }

    private static long dimOrOne(Dim d) {
        return d instanceof Dim.Known k ? k.size() : 1;
    }

    private static Shape shapeOf(Value v) {
        return v == null ? null : v.shape();
    }
}
