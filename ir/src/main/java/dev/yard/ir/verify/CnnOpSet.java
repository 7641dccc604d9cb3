package dev.yard.ir.verify;

import static dev.yard.ir.Attribute.Kind.FLOAT;
import static dev.yard.ir.Attribute.Kind.FLOATS;
import static dev.yard.ir.Attribute.Kind.INT;
import static dev.yard.ir.Attribute.Kind.INTS;
import static dev.yard.ir.Attribute.Kind.STRING;
import static dev.yard.ir.Attribute.Kind.TENSOR;
import static dev.yard.ir.verify.OpSignature.MANY;
import static dev.yard.ir.verify.OpSignature.inputs;

import java.util.List;
import java.util.Set;

/**
 * The ONNX signatures of the operators CNNs use, as the verifier checks them. Versions
 * matter where ONNX moved an attribute to an input (Reshape 5, Slice 10, Pad 11, Clip 11,
 * Squeeze/Unsqueeze/Split/ReduceSum 13, the other reductions 18) or changed arity.
 */
final class CnnOpSet {
    private static final Set<String> UNARY = Set.of(
            "Relu",
            "Sigmoid",
            "Tanh",
            "Exp",
            "Log",
            "Sqrt",
            "Neg",
            "Abs",
            "Erf",
            "Identity",
            "Reciprocal",
            "Floor",
            "Ceil",
            "Softsign",
            "Not",
            "Sign",
            "Sin",
            "Cos",
            "IsNaN",
            "Round");
    private static final Set<String> BINARY = Set.of(
            "Add",
            "Sub",
            "Mul",
            "Div",
            "Equal",
            "Less",
            "Greater",
            "LessOrEqual",
            "GreaterOrEqual",
            "And",
            "Or",
            "Xor",
            "Mod");
    private static final Set<String> VARIADIC = Set.of("Sum", "Max", "Min", "Mean");
    private static final Set<String> REDUCE = Set.of(
            "ReduceMean",
            "ReduceSum",
            "ReduceMax",
            "ReduceMin",
            "ReduceProd",
            "ReduceL1",
            "ReduceL2",
            "ReduceLogSum",
            "ReduceLogSumExp",
            "ReduceSumSquare");
    private static final String[] WINDOW = {"kernel_shape", "strides", "dilations", "pads"};

    private CnnOpSet() {}

    /** The signature of default-domain {@code op} at {@code opset}, or null when Yard does not check it. */
    static OpSignature signature(String op, long opset) {
        if (UNARY.contains(op)) {
            return inputs(1, 1).build();
        }
        if (BINARY.contains(op)) {
            boolean logic = op.equals("And") || op.equals("Or") || op.equals("Xor");
            var b = inputs(2, 2).attr(INT, "broadcast", "axis", "fmod");
            return (logic ? b : b.sameType(0, 1)).build();
        }
        if (VARIADIC.contains(op)) {
            return inputs(1, MANY).sameType(all()).build();
        }
        if (REDUCE.contains(op)) {
            boolean axesInput = opset >= (op.equals("ReduceSum") ? 13 : 18);
            var b = inputs(1, axesInput ? 2 : 1).attr(INT, "keepdims", "noop_with_empty_axes");
            return (axesInput ? b : b.attr(INTS, "axes")).build();
        }
        return switch (op) {
            case "Conv" ->
                inputs(2, 3)
                        .attr(INTS, WINDOW)
                        .attr(INT, "group")
                        .attr(STRING, "auto_pad")
                        .sameType(0, 1, 2)
                        .build();
            case "ConvTranspose" ->
                inputs(2, 3)
                        .attr(INTS, WINDOW)
                        .attr(INTS, "output_padding", "output_shape")
                        .attr(INT, "group")
                        .attr(STRING, "auto_pad")
                        .sameType(0, 1, 2)
                        .build();
            case "MaxPool" ->
                inputs(1, 1)
                        .outputs(1, 2)
                        .required(INTS, "kernel_shape")
                        .attr(INTS, "strides", "dilations", "pads")
                        .attr(INT, "ceil_mode", "storage_order")
                        .attr(STRING, "auto_pad")
                        .build();
            case "AveragePool", "LpPool" ->
                inputs(1, 1)
                        .required(INTS, "kernel_shape")
                        .attr(INTS, "strides", "dilations", "pads")
                        .attr(INT, "ceil_mode", "count_include_pad", "p")
                        .attr(STRING, "auto_pad")
                        .build();
            case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "Softmax", "LogSoftmax", "Flatten" ->
                inputs(1, 1).attr(INT, "axis", "p").build();
            case "Gemm" ->
                inputs(opset < 11 ? 3 : 2, 3)
                        .attr(FLOAT, "alpha", "beta")
                        .attr(INT, "transA", "transB", "broadcast")
                        .sameType(0, 1, 2)
                        .build();
            case "MatMul" -> inputs(2, 2).sameType(0, 1).build();
            case "BatchNormalization" -> {
                var b = inputs(5, 5)
                        .outputs(1, opset >= 14 ? 3 : 5)
                        .attr(FLOAT, "epsilon", "momentum")
                        .attr(INT, "training_mode", "spatial", "is_test")
                        .attr(INTS, "consumed_inputs");
                // Opset 15 split T into T (X), T1 (scale, bias) and T2 (mean, var).
                yield (opset >= 15 ? b.sameType(1, 2).sameType(3, 4) : b.sameType(0, 1, 2, 3, 4)).build();
            }
            case "InstanceNormalization" ->
                inputs(3, 3).attr(FLOAT, "epsilon").sameType(0, 1, 2).build();
            case "LayerNormalization" ->
                inputs(2, 3)
                        .outputs(1, 3)
                        .attr(INT, "axis", "stash_type")
                        .attr(FLOAT, "epsilon")
                        .sameType(0, 1, 2)
                        .build();
            case "LRN" ->
                inputs(1, 1)
                        .required(INT, "size")
                        .attr(FLOAT, "alpha", "beta", "bias")
                        .build();
            case "LeakyRelu", "Elu", "Selu", "HardSigmoid", "Celu", "ThresholdedRelu" ->
                inputs(1, 1).attr(FLOAT, "alpha", "beta", "gamma").build();
            case "HardSwish", "Softplus" -> inputs(1, 1).build();
            case "PRelu" -> inputs(2, 2).sameType(0, 1).build();
            case "Clip" ->
                opset < 11
                        ? inputs(1, 1).attr(FLOAT, "min", "max").build()
                        : inputs(1, 3).sameType(0, 1, 2).build();
            case "Dropout" ->
                inputs(1, opset >= 12 ? 3 : 1)
                        .outputs(1, 2)
                        .attr(FLOAT, "ratio")
                        .attr(INT, "seed")
                        .build();
            case "Pow" -> inputs(2, 2).build();
            case "Where" -> inputs(3, 3).sameType(1, 2).build();
            case "Concat" ->
                (opset >= 4
                                ? inputs(1, MANY).required(INT, "axis")
                                : inputs(1, MANY).attr(INT, "axis"))
                        .sameType(all())
                        .build();
            case "Reshape" ->
                opset < 5
                        ? inputs(1, 1).attr(INTS, "shape").build()
                        : inputs(2, 2).attr(INT, "allowzero").build();
            case "Transpose" -> inputs(1, 1).attr(INTS, "perm").build();
            case "Cast" ->
                inputs(1, 1).required(INT, "to").attr(INT, "saturate").build();
            case "Shape" -> inputs(1, 1).attr(INT, "start", "end").build();
            case "Squeeze" ->
                opset < 13
                        ? inputs(1, 1).attr(INTS, "axes").build()
                        : inputs(1, 2).build();
            case "Unsqueeze" ->
                opset < 13
                        ? inputs(1, 1).required(INTS, "axes").build()
                        : inputs(2, 2).build();
            case "Gather", "GatherElements" -> inputs(2, 2).attr(INT, "axis").build();
            case "Split" ->
                inputs(1, opset >= 13 ? 2 : 1)
                        .outputs(1, MANY)
                        .attr(INT, "axis", "num_outputs")
                        .attr(INTS, "split")
                        .build();
            case "Slice" ->
                opset < 10
                        ? inputs(1, 1)
                                .required(INTS, "starts")
                                .required(INTS, "ends")
                                .attr(INTS, "axes")
                                .build()
                        : inputs(3, 5).build();
            case "Pad" ->
                opset < 11
                        ? inputs(1, 1)
                                .required(INTS, opset < 2 ? "paddings" : "pads")
                                .attr(STRING, "mode")
                                .attr(FLOAT, "value")
                                .build()
                        : inputs(2, opset >= 18 ? 4 : 3).attr(STRING, "mode").build();
            case "Expand" -> inputs(2, 2).build();
            case "Tile" -> inputs(2, opset < 6 ? 3 : 2).build();
            case "Resize" ->
                (opset < 11 ? inputs(2, 2) : inputs(1, 4))
                        .attr(
                                STRING,
                                "mode",
                                "coordinate_transformation_mode",
                                "nearest_mode",
                                "keep_aspect_ratio_policy")
                        .attr(FLOAT, "cubic_coeff_a", "extrapolation_value")
                        .attr(INT, "exclude_outside", "antialias")
                        .attr(INTS, "axes")
                        .build();
            case "Upsample" ->
                inputs(1, 2).attr(STRING, "mode").attr(FLOATS, "scales").build();
            case "ArgMax", "ArgMin" ->
                inputs(1, 1).attr(INT, "axis", "keepdims", "select_last_index").build();
            case "TopK" ->
                opset < 10
                        ? inputs(1, 1)
                                .outputs(2, 2)
                                .required(INT, "k")
                                .attr(INT, "axis")
                                .build()
                        : inputs(2, 2)
                                .outputs(2, 2)
                                .attr(INT, "axis", "largest", "sorted")
                                .build();
            case "DepthToSpace", "SpaceToDepth" ->
                inputs(1, 1).required(INT, "blocksize").attr(STRING, "mode").build();
            case "ConstantOfShape" -> inputs(1, 1).attr(TENSOR, "value").build();
            case "Constant" -> inputs(0, 0).build();
            default -> null;
        };
    }

    /** A marker for "every input": see {@link #sameTypeGroup}. */
    private static int[] all() {
        return new int[] {-1};
    }

    /** The concrete input indices of a same-type group for a node with {@code n} inputs. */
    static int[] sameTypeGroup(int[] group, int n) {
        if (group.length == 1 && group[0] == -1) {
            int[] g = new int[n];
            for (int i = 0; i < n; i++) {
                g[i] = i;
            }
            return g;
        }
        return group;
    }

    /** The Constant attributes of which exactly one must be present. */
    static final List<String> CONSTANT_VALUES = List.of(
            "value",
            "value_float",
            "value_floats",
            "value_int",
            "value_ints",
            "value_string",
            "value_strings",
            "sparse_value");
}
