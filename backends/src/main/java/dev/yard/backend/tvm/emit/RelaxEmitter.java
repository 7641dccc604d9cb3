package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.ElementType;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.YardException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * Yard IR to a Relax module in TVMScript: one {@code main} whose arguments are the graph's
 * inputs followed by its constant tensors (named after their ONNX names, the values kept
 * in a side file), one dataflow binding per op, variables named after ONNX values. The text
 * is deterministic. The graph must have static shapes and no run-time shape computation
 * (run shape inference and fold-constants first); unsupported ops are reported all at once.
 */
public final class RelaxEmitter {
    private static final Map<String, OpRule> RULES = rules();

    /**
     * The inputs an op's rule reads as constants, by position: Slice's bounds, Pad's pads and
     * value, Tile's repeats, the reductions' axes, Clip's bounds, Trilu's k, CumSum's axis,
     * OneHot's depth and values, Range's bounds. Relax takes them as attributes, so they cannot
     * be computed at run time. (Reshape, Expand, ConstantOfShape and the like read the inferred
     * output shape instead.)
     */
    private static final Map<String, Set<Integer>> CONSTANT_OPERANDS = constantOperands();

    /** How to emit. {@code widenHalf}: compute f16 tensors in f32 (ONNX Runtime's CPU behaviour, and far faster on CPUs without f16 arithmetic). */
    public record Options(boolean widenHalf) {
        public static final Options DEFAULT = new Options(true);
    }

    private RelaxEmitter() {}

    private static Map<String, OpRule> rules() {
        Map<String, OpRule> r = new HashMap<>();
        ConvOps.register(r);
        PoolOps.register(r);
        ElementwiseOps.register(r);
        ArithmeticOps.register(r);
        MatrixOps.register(r);
        NormOps.register(r);
        ReduceOps.register(r);
        LossOps.register(r);
        RecurrentOps.register(r);
        QuantOps.register(r);
        ShapeOps.register(r);
        IndexOps.register(r);
        ResizeOps.register(r);
        return Collections.unmodifiableMap(r);
    }

    private static Map<String, Set<Integer>> constantOperands() {
        Map<String, Set<Integer>> m = new HashMap<>();
        m.put("Slice", Set.of(1, 2, 3, 4));
        m.put("Pad", Set.of(1, 2, 3));
        m.put("Tile", Set.of(1));
        m.put("Clip", Set.of(1, 2));
        m.put("Trilu", Set.of(1));
        m.put("CumSum", Set.of(1));
        m.put("OneHot", Set.of(1, 2));
        m.put("Range", Set.of(0, 1, 2));
        for (String op : RULES.keySet()) {
            if (op.startsWith("Reduce")) {
                m.put(op, Set.of(1));
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Whether the emitter needs input {@code input} of {@code node} to be a constant (an initializer or a Constant node). */
    public static boolean readsAsConstant(Node node, int input) {
        return node.isDefaultDomain()
                && CONSTANT_OPERANDS.getOrDefault(node.opType(), Set.of()).contains(input);
    }

    /** The ONNX ops the emitter lowers. */
    public static Set<String> supportedOps() {
        return new TreeSet<>(RULES.keySet());
    }

    public static RelaxModule emit(Model model) {
        return emit(model, Options.DEFAULT);
    }

    public static RelaxModule emit(Model model, Options options) {
        Graph g = model.graph();
        checkSupported(g);
        EmitContext cx = new EmitContext(new Names(), model.defaultOpset(), options.widenHalf());
        List<Value> inputs = g.inputs().stream().filter(v -> !v.isInitializer()).toList();
        List<RelaxModule.Port> inPorts = new ArrayList<>();
        Map<Value, String> inputParams = new java.util.HashMap<>();
        for (Value v : inputs) {
            inputParams.put(v, cx.defineInput(v));
        }
        for (Node n : g.nodes()) {
            if (n.is("Constant")) {
                continue;
            }
            cx.enter(n);
            RULES.get(n.opType()).emit(n, cx);
        }
        List<RelaxModule.Port> outPorts = new ArrayList<>();
        for (Value v : g.outputs()) {
            String name = cx.use(v);
            DType type = cx.dtype(v);
            if (cx.widenedHalf(v)) {
                // Computed in f32, returned as declared.
                type = DType.FLOAT16;
                name = cx.temp(v, "f16", cx.dims(v), type, "R.astype(" + name + ", dtype=\"float16\")");
            } else if (inputParams.containsValue(name) || cx.params().containsValue(name)) {
                // A dataflow block's outputs must be bound inside it: an output that is an input
                // or a weight (a shape folded to a constant) gets a binding of its own.
                name = cx.temp(v, "out", cx.dims(v), type, name);
            }
            outPorts.add(new RelaxModule.Port(name, v.name(), type, cx.dims(v)));
        }
        StringJoiner args = new StringJoiner(", ");
        for (Value v : inputs) {
            String name = inputParams.get(v);
            inPorts.add(
                    new RelaxModule.Port(name, v.name(), cx.widenedHalf(v) ? DType.FLOAT16 : cx.dtype(v), cx.dims(v)));
            args.add(name + ": " + cx.declaredType(v));
        }
        List<RelaxModule.Param> params = new ArrayList<>();
        for (Map.Entry<Value, String> e : cx.params().entrySet()) {
            Tensor t = relaxValue(
                    EmitContext.constant(e.getKey()), options, e.getKey().name());
            params.add(new RelaxModule.Param(e.getValue(), e.getKey().name(), t));
            args.add(e.getValue() + ": "
                    + EmitContext.tensorType(
                            t.dims(), DType.of(t.elementType(), e.getKey().name())));
        }
        return new RelaxModule(print(g, cx, args.toString(), inputs.size(), outPorts), params, inPorts, outPorts);
    }

    private static void checkSupported(Graph g) {
        Set<String> missing = new TreeSet<>();
        for (Node n : g.nodes()) {
            if (!n.isDefaultDomain() || (!RULES.containsKey(n.opType()) && !n.is("Constant"))) {
                missing.add(n.isDefaultDomain() ? n.opType() : n.domain() + "." + n.opType());
            }
        }
        if (!missing.isEmpty()) {
            throw YardException.badInput("TVM backend: unsupported op" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " (supported: " + String.join(", ", supportedOps()) + ")");
        }
    }

    /** The tensor as Relax holds it: f16 widened to f32 when asked. */
    private static Tensor relaxValue(Tensor t, Options options, String name) {
        DType d = DType.of(t.elementType(), "constant " + name);
        if (options.widenHalf() && d == DType.FLOAT16) {
            return Tensor.ofFloatsAs(ElementType.FLOAT, t.dims(), t.toFloatArray());
        }
        return t;
    }

    private static String print(Graph g, EmitContext cx, String args, int numInputs, List<RelaxModule.Port> outs) {
        String ret;
        String retType;
        List<String> body = new ArrayList<>(cx.lines());
        if (outs.size() == 1) {
            ret = outs.get(0).name();
            retType = EmitContext.tensorType(outs.get(0).dims(), outs.get(0).dtype());
        } else {
            StringJoiner names = new StringJoiner(", ");
            StringJoiner types = new StringJoiner(", ", "R.Tuple(", ")");
            for (RelaxModule.Port p : outs) {
                names.add(p.name());
                types.add(EmitContext.tensorType(p.dims(), p.dtype()));
            }
            retType = types.toString();
            ret = "outputs";
            body.add(ret + ": " + retType + " = " + names);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# Relax module emitted by Yard from the ONNX graph \"")
                .append(g.name().replace("\n", " "))
                .append("\".\n");
        sb.append("# from tvm.script import ir as I\n# from tvm.script import relax as R\n\n");
        sb.append("@I.ir_module\nclass Module:\n    @R.function\n");
        sb.append("    def main(").append(args).append(") -> ").append(retType).append(":\n");
        sb.append("        R.func_attr({\"num_input\": ").append(numInputs).append("})\n");
        sb.append("        with R.dataflow():\n");
        for (String line : body) {
            sb.append("            ").append(line).append('\n');
        }
        sb.append("            R.output(").append(ret).append(")\n");
        sb.append("        return ").append(ret).append('\n');
        return sb.toString();
    }
}
