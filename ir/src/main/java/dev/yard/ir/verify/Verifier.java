package dev.yard.ir.verify;

import dev.yard.ir.Function;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks that a model is well formed before and after every pass: sound dataflow (single
 * assignment across nested scopes, definitions before uses, defined graph outputs) in the
 * main graph, its subgraphs and model-local function bodies; and, for the CNN op set, ONNX
 * arity, required attributes and their kinds, and element types that ONNX requires to agree.
 * Operators Yard does not know pass as long as their dataflow is sound.
 *
 * <p>Every problem names the node (by {@link dev.yard.ir.Node#describe()}, with the enclosing
 * node for subgraphs) or the graph it is about.
 */
public final class Verifier {
    private Verifier() {}

    /** All problems of the model; empty when it is well formed. */
    public static List<Problem> check(Model model) {
        List<Problem> out = new ArrayList<>();
        checkInto(model.graph(), model.defaultOpset(), "", out);
        for (Function f : model.functions()) {
            Long own = f.opsetImports().get("");
            long opset = own != null ? own : model.defaultOpset();
            checkInto(f.body(), opset, " in function " + f.domain() + "." + f.name(), out);
        }
        FunctionCalls.check(model, out);
        return out;
    }

    /** All problems of one graph interpreted under default-domain {@code opset}. */
    public static List<Problem> check(Graph graph, long opset) {
        List<Problem> out = new ArrayList<>();
        checkInto(graph, opset, "", out);
        return out;
    }

    /** Throws a bad-input {@link YardException} listing every problem, if there is any. */
    public static void verify(Model model) {
        throwIfAny(check(model));
    }

    /** Like {@link #verify(Model)} for one graph. */
    public static void verify(Graph graph, long opset) {
        throwIfAny(check(graph, opset));
    }

    private static void checkInto(Graph g, long opset, String context, List<Problem> out) {
        DataflowCheck.Sink sink = (where, message) -> out.add(new Problem(where, message));
        DataflowCheck flow = new DataflowCheck(
                sink, (node, where) -> OpCheck.check(node, opset, message -> sink.report(where, message)));
        flow.check(g, null, context);
    }

    private static void throwIfAny(List<Problem> problems) {
        if (problems.isEmpty()) {
            return;
        }
        String list = problems.stream().map(Problem::toString).collect(Collectors.joining("\n  "));
        throw YardException.badInput("invalid IR, " + problems.size() + " problem(s):\n  " + list);
    }
}
