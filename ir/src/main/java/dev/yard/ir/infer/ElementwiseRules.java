package dev.yard.ir.infer;

import dev.yard.ir.ElementType;
import dev.yard.ir.Shape;
import dev.yard.ir.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Operators applied element by element: unary activations and math keep their input's type;
 * binary and variadic ones broadcast their inputs numpy-style; comparisons answer bool.
 */
final class ElementwiseRules implements RuleFamily {
    private static final List<String> UNARY = List.of(
            "Relu",
            "LeakyRelu",
            "Sigmoid",
            "Tanh",
            "HardSigmoid",
            "HardSwish",
            "Elu",
            "Selu",
            "Celu",
            "Softplus",
            "Softsign",
            "ThresholdedRelu",
            "Mish",
            "Gelu",
            "Shrink",
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
            "Round",
            "Sign",
            "Sin",
            "Cos",
            "Tan",
            "Asin",
            "Acos",
            "Atan",
            "Sinh",
            "Cosh",
            "Asinh",
            "Acosh",
            "Atanh",
            "Clip",
            "BitwiseNot",
            "Softmax",
            "LogSoftmax",
            "Hardmax",
            "LRN",
            "InstanceNormalization",
            "LpNormalization",
            "MeanVarianceNormalization",
            "CumSum",
            "Trilu");
    private static final List<String> TO_BOOL = List.of("Not", "IsNaN", "IsInf");
    private static final List<String> BROADCAST = List.of(
            "Add",
            "Sub",
            "Mul",
            "Div",
            "Pow",
            "Mod",
            "Max",
            "Min",
            "Sum",
            "Mean",
            "And",
            "Or",
            "Xor",
            "BitShift",
            "BitwiseAnd",
            "BitwiseOr",
            "BitwiseXor");
    private static final List<String> COMPARE = List.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual");

    @Override
    public void register(Map<String, ShapeRule> rules) {
        for (String op : UNARY) {
            rules.put(op, c -> NodeContext.one(c.elem(0), c.shape(0)));
        }
        for (String op : TO_BOOL) {
            rules.put(op, c -> NodeContext.one(ElementType.BOOL, c.shape(0)));
        }
        for (String op : BROADCAST) {
            rules.put(op, c -> NodeContext.one(firstElem(c, 0), broadcastAll(c, 0)));
        }
        for (String op : COMPARE) {
            rules.put(op, c -> NodeContext.one(ElementType.BOOL, broadcastAll(c, 0)));
        }
        rules.put("Where", c -> NodeContext.one(firstElem(c, 1), broadcastAll(c, 0)));
        rules.put("PRelu", ElementwiseRules::prelu);
        rules.put("Cast", ElementwiseRules::cast);
        rules.put("CastLike", c -> NodeContext.one(c.elem(1), c.shape(0)));
        rules.put("Dropout", ElementwiseRules::dropout);
    }

    /** The element type of the first input from {@code from} on that has one. */
    private static ElementType firstElem(NodeContext c, int from) {
        for (int i = from; i < c.inputCount(); i++) {
            if (c.elem(i) != null) {
                return c.elem(i);
            }
        }
        return null;
    }

    private static Shape broadcastAll(NodeContext c, int from) {
        if (c.opset() < 7 && c.intAttr("broadcast", 0) == 1) {
            // Before opset 7, B was broadcast onto A (unidirectionally, optionally at an axis).
            return c.shape(0);
        }
        List<Shape> shapes = new ArrayList<>();
        for (int i = from; i < c.inputCount(); i++) {
            if (c.has(i)) {
                shapes.add(c.shape(i));
            }
        }
        return shapes.isEmpty() ? null : Dims.broadcast(shapes);
    }

    private static List<ValueType> prelu(NodeContext c) {
        Shape x = c.shape(0);
        Shape slope = c.shape(1);
        if (x != null && slope != null && c.opset() >= 7) {
            // Slope broadcasts onto X in one direction only: the result must keep X's shape.
            Shape b = Dims.broadcast(List.of(x, slope));
            if (b.rank() != x.rank()) {
                throw c.error("slope " + slope + " has more dimensions than X " + x);
            }
        }
        return NodeContext.one(c.elem(0), x);
    }

    private static List<ValueType> cast(NodeContext c) {
        if (!c.hasAttr("to") || c.attrUnknown("to")) {
            return NodeContext.one(null, c.shape(0));
        }
        ElementType to = ElementType.fromCode((int) c.intAttr("to", 0));
        if (to == null) {
            throw c.error("Cast to unknown element type code " + c.intAttr("to", 0));
        }
        return NodeContext.one(to, c.shape(0));
    }

    private static List<ValueType> dropout(NodeContext c) {
        // The mask became bool in opset 10; before, it had the data's type.
        ElementType mask = c.opset() >= 10 ? ElementType.BOOL : c.elem(0);
        return List.of(NodeContext.tensor(c.elem(0), c.shape(0)), NodeContext.tensor(mask, c.shape(0)));
    }
}
