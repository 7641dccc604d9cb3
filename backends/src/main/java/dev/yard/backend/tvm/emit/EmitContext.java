package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.Attribute;
import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.ir.YardException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What op rules write into: the Relax variable of every IR value, the dataflow lines emitted
 * so far, and the parameters (constant tensors) in order of first use. Also the small
 * formatting helpers every rule needs, so that all rules print alike.
 */
final class EmitContext {
    private final Names names;
    private final long opset;
    private final boolean widenHalf;
    private final Map<Value, String> vars = new HashMap<>();
    private final LinkedHashMap<Value, String> params = new LinkedHashMap<>();
    private final List<String> lines = new ArrayList<>();
    private Node current;

    EmitContext(Names names, long opset, boolean widenHalf) {
        this.names = names;
        this.opset = opset;
        this.widenHalf = widenHalf;
    }

    long opset() {
        return opset;
    }

    boolean widenHalf() {
        return widenHalf;
    }

    void enter(Node node) {
        current = node;
    }

    List<String> lines() {
        return lines;
    }

    LinkedHashMap<Value, String> params() {
        return params;
    }

    /**
     * Names the function parameter of graph input {@code v} and returns it. When f16 is
     * computed in f32, an f16 input keeps its type at the boundary and is widened first thing.
     */
    String defineInput(Value v) {
        String param = names.fresh(v.name());
        vars.put(v, param);
        if (widenedHalf(v)) {
            vars.put(v, temp(v, "f32", dims(v), DType.FLOAT32, "R.astype(" + param + ", dtype=\"float32\")"));
        }
        return param;
    }

    /** Whether {@code v} is declared f16 and computed in f32. */
    boolean widenedHalf(Value v) {
        return widenHalf && v.type() instanceof ValueType.TensorType tt && tt.elementType() == ElementType.FLOAT16;
    }

    /** The Relax type of {@code v} as declared (f16 stays f16), for the function's signature. */
    String declaredType(Value v) {
        return tensorType(dims(v), widenedHalf(v) ? DType.FLOAT16 : dtype(v));
    }

    /** The Relax variable holding {@code v}; a constant becomes a parameter on first use. */
    String use(Value v) {
        String name = vars.get(v);
        if (name != null) {
            return name;
        }
        if (constant(v) != null) {
            name = names.fresh(v.name());
            vars.put(v, name);
            params.put(v, name);
            return name;
        }
        throw new YardException("TVM emitter: value " + v.name() + " is used before it is defined", false);
    }

    /** The constant value of {@code v} (an initializer or a Constant node's output), or null. */
    static Tensor constant(Value v) {
        if (v.isInitializer()) {
            return v.initializer();
        }
        Node p = v.producer();
        if (p != null
                && p.is("Constant")
                && p.attribute("value") != null
                && p.attribute("value").kind() == Attribute.Kind.TENSOR) {
            return (Tensor) p.attribute("value").value();
        }
        return null;
    }

    /** The integers of a constant input, such as Reshape's shape or Slice's starts. */
    long[] constInts(Value v, String what) {
        Tensor t = v == null ? null : constant(v);
        if (t == null) {
            throw unsupported(what + " is computed at run time; fix the input shapes and run fold-constants first");
        }
        return t.toLongArray();
    }

    /** The static dimensions of {@code v}. */
    long[] dims(Value v) {
        if (!(v.type() instanceof ValueType.TensorType tt) || tt.shape() == null) {
            throw unsupported("value " + v.name() + " has no known tensor type; run shape inference first");
        }
        Shape s = tt.shape();
        if (!s.isStatic() || java.util.Arrays.stream(s.sizes()).anyMatch(d -> d < 0)) {
            throw YardException.badInput(
                    "node " + current.describe() + ": value " + v.name() + " has the dynamic shape " + s
                            + "; the TVM backend needs static shapes (give --input-shape NAME=D,D,...)");
        }
        return s.sizes();
    }

    int rank(Value v) {
        return dims(v).length;
    }

    /** The element type Relax sees for {@code t}: f16 becomes f32 when widening. */
    DType dtype(ElementType t) {
        DType d = DType.of(t, "node " + (current == null ? "?" : current.describe()));
        return widenHalf && d == DType.FLOAT16 ? DType.FLOAT32 : d;
    }

    DType dtype(Value v) {
        if (!(v.type() instanceof ValueType.TensorType tt)) {
            throw unsupported("value " + v.name() + " is not a tensor");
        }
        return dtype(tt.elementType());
    }

    String type(Value v) {
        return tensorType(dims(v), dtype(v));
    }

    static String tensorType(long[] dims, DType dtype) {
        return "R.Tensor(" + tuple(dims) + ", dtype=\"" + dtype.tvmName() + "\")";
    }

    /** Binds the node output {@code out} to {@code expr}. */
    void bind(Value out, String expr) {
        String name = names.fresh(out.name());
        vars.put(out, name);
        lines.add(name + ": " + type(out) + " = " + expr);
    }

    /** Binds {@code out} to the same Relax variable as {@code in} under its own name. */
    void alias(Value out, Value in) {
        bind(out, use(in));
    }

    /** Binds an intermediate result named after {@code base}, returning its variable. */
    String temp(Value base, String suffix, long[] dims, DType dtype, String expr) {
        String name = names.fresh(base.name() + "_" + suffix);
        lines.add(name + ": " + tensorType(dims, dtype) + " = " + expr);
        return name;
    }

    /** Binds a tuple-typed intermediate result, returning its variable. */
    String tempTuple(Value base, String suffix, String tupleType, String expr) {
        String name = names.fresh(base.name() + "_" + suffix);
        lines.add(name + ": " + tupleType + " = " + expr);
        return name;
    }

    YardException unsupported(String why) {
        return YardException.badInput("TVM backend: node " + current.describe() + ": " + why);
    }

    /** {@code [1, 2]}. */
    static String list(long... xs) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (long x : xs) {
            j.add(Long.toString(x));
        }
        return j.toString();
    }

    /** {@code (1, 2)}, with Python's trailing comma for one element. */
    static String tuple(long... xs) {
        if (xs.length == 1) {
            return "(" + xs[0] + ",)";
        }
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (long x : xs) {
            j.add(Long.toString(x));
        }
        return j.toString();
    }

    /** A float literal that Python reads back to the same float32. */
    static String floatLiteral(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            throw new IllegalArgumentException("no literal for " + f);
        }
        return Float.toString(f);
    }

    /** A scalar constant of the element type of {@code like}. */
    String scalar(float f, Value like) {
        DType t = dtype(like);
        String literal = t.elementType().isFloatingPoint() ? floatLiteral(f) : Long.toString((long) f);
        return "R.const(" + literal + ", \"" + t.tvmName() + "\")";
    }

    /** Normalises a possibly negative axis. */
    static int axis(long axis, int rank) {
        return (int) (axis < 0 ? axis + rank : axis);
    }

    static boolean isKnown(Dim d) {
        return d instanceof Dim.Known;
    }
}
