package dev.yard.passes.decompose;

import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Graph;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.LowRankFactors;
import dev.yard.passes.rewrite.GraphIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code svd} chain of a fully-connected layer: Gemm (or MatMul) by a weight W [N, K]
 * becomes two, by the factors first [R, K] and last [N, R]. A Gemm keeps alpha, beta and C on
 * its second half; a MatMul's factors are stored transposed, as MatMul reads them.
 */
final class MatrixChain {
    private MatrixChain() {}

    /** The weight of a Gemm as W [N, K] (y = x W^T), whichever way transB stores it. */
    static DenseTensor gemmWeight(Tensor b, boolean transB) {
        long[] d = b.dims();
        int rows = (int) d[0];
        int cols = (int) d[1];
        double[] w = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double v = b.getDouble((long) i * cols + j);
                if (transB) {
                    w[i * cols + j] = v;
                } else {
                    w[j * rows + i] = v;
                }
            }
        }
        return transB ? DenseTensor.of(w, rows, cols) : DenseTensor.of(w, cols, rows);
    }

    /** Gemm's C is optional from opset 11; before, the first half gets a zero bias. */
    static List<Node> gemm(
            Node gemm, LowRankFactors f, ElementType type, String name, Graph g, GraphIndex index, long opset) {
        Value mid = new Value(index.freshName(name + "_low_rank"), null);
        Value first = g.addInitializer(index.freshName(name + "_first"), tensor(f.first(), type, false));
        Value last = g.addInitializer(index.freshName(name + "_last"), tensor(f.last(), type, false));
        List<Value> firstInputs = new ArrayList<>(List.of(gemm.input(0), first));
        if (opset < 11) {
            firstInputs.add(g.addInitializer(
                    index.freshName(name + "_zero"),
                    Tensor.ofFloatsAs(type, new long[] {f.rank()}, new float[f.rank()])));
        }
        Node a = new Node(index.freshName(name + "_1"), "", "Gemm", firstInputs, List.of(mid));
        a.setAttribute(Attribute.of("transB", 1L));
        List<Value> inputs = new ArrayList<>(List.of(mid, last));
        if (gemm.input(2) != null) {
            inputs.add(gemm.input(2));
        }
        Node b = new Node(name, "", "Gemm", inputs, List.of(gemm.output(0)));
        b.setAttribute(Attribute.of("transB", 1L));
        for (String k : List.of("alpha", "beta")) {
            if (gemm.attribute(k) != null) {
                b.setAttribute(gemm.attribute(k));
            }
        }
        return List.of(a, b);
    }

    static List<Node> matmul(Node matmul, LowRankFactors f, ElementType type, String name, Graph g, GraphIndex index) {
        Value mid = new Value(index.freshName(name + "_low_rank"), null);
        Value first = g.addInitializer(index.freshName(name + "_first"), tensor(f.first(), type, true));
        Value last = g.addInitializer(index.freshName(name + "_last"), tensor(f.last(), type, true));
        Node a = new Node(index.freshName(name + "_1"), "", "MatMul", List.of(matmul.input(0), first), List.of(mid));
        Node b = new Node(name, "", "MatMul", List.of(mid, last), List.of(matmul.output(0)));
        return List.of(a, b);
    }

    /** A factor [rows, cols] as a tensor of {@code type}, transposed when asked. */
    private static Tensor tensor(DenseTensor m, ElementType type, boolean transpose) {
        int rows = m.dim(0);
        int cols = m.dim(1);
        double[] v = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                v[transpose ? j * rows + i : i * cols + j] = m.data()[i * cols + j];
            }
        }
        long[] dims = transpose ? new long[] {cols, rows} : new long[] {rows, cols};
        return Tensor.ofDoublesAs(type, dims, v);
    }
}
