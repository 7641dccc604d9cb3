package dev.yard.junit;

import com.google.common.hash.Hashing;
import dev.yard.api.YardModel;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.ir.text.OnnxTextPrinter;
import dev.yard.ir.verify.Verifier;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassManager;
import dev.yard.passes.PassRegistry;
import dev.yard.passes.Pipeline;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one golden case: reads the input (generating its weights), runs the pipeline with the
 * verifier after every pass and every pass's change claim checked against a hash of the
 * printed model, then compares the compact text of the result and the remarks with the
 * expectation, and the outputs of the model before and after in ONNX Runtime.
 */
final class GoldenRunner {
    private static final PassRegistry REGISTRY = PassRegistry.load();

    /**
     * What a case produced and what was wrong with it. {@code output} is null when the
     * output printed as the input did; {@code textProblems} are differences from the
     * expectation (which {@code -Dyard.golden.update=true} fixes), {@code numericProblem} a disagreement
     * of ONNX Runtime outputs (which it cannot fix), null when there is none.
     */
    record Outcome(
            String output,
            List<String> skipped,
            List<String> textProblems,
            String checkProblem,
            String numericProblem) {}

    private GoldenRunner() {}

    /** The header golden inputs may leave out, exactly as the printer writes it. */
    static String defaultHeader(String opset) {
        return "<\n   ir_version: 8,\n   opset_import: [\"\" : " + opset + "]\n>\n";
    }

    static Outcome run(GoldenFile file, GoldenFile.Case c) {
        String source = file.path().getFileName() + ":" + c.line();
        String header = defaultHeader(file.directive(c, "opset", "17"));
        String text = c.modelText().startsWith("<") ? c.modelText() : header + c.modelText();
        String pipelineText = file.directive(c, "pipeline", null);
        if (pipelineText == null) {
            throw new IllegalArgumentException(source + ": no '# pipeline:' line for the file or the case");
        }
        Execution.Tolerance tol = Execution.Tolerance.parse(file.directive(c, "tolerance", "rtol=0 atol=0"));

        // "# model: FILE" (relative to the golden file) names a model file instead of inline text.
        String modelFile = c.modelText().isBlank() ? file.directive(c, "model", null) : null;
        if (c.modelText().isBlank() && modelFile == null) {
            throw new IllegalArgumentException(source + ": the case has neither a model nor a '# model:' line");
        }
        java.util.function.Supplier<Model> read = modelFile == null
                ? () -> Weights.read(text, source)
                : () -> YardModel.load(file.path().resolveSibling(modelFile)).ir();
        Model before = read.get();
        Verifier.verify(before);
        Model after = read.get();
        // The pass manager infers shapes before every pass; both sides are printed with
        // inferred types, so that a pass that changes nothing leaves identical text.
        ShapeInference.infer(before);
        String printedInput = print(before, header);
        PassManager.Report report = new PassManager(Pipeline.parse(pipelineText, REGISTRY))
                .checkChangeClaims(GoldenRunner::fingerprint)
                .run(after);
        ShapeInference.infer(after);
        String printed = print(after, header);
        List<String> skipped = report.remarks().stream()
                .filter(r -> r.kind() == PassContext.Kind.SKIPPED)
                .map(PassContext.Remark::toString)
                .toList();

        List<String> problems = new ArrayList<>();
        String checkProblem = null;
        boolean unchanged = printed.equals(printedInput);
        if (c.expectsUnchanged()) {
            String diff = TextDiff.unified("input as printed", printedInput, printed, 1);
            if (diff != null) {
                problems.add("expected the input unchanged:\n" + diff);
            }
            if (report.runs().stream().anyMatch(PassManager.PassRun::changed)) {
                problems.add("expected no pass to claim a change: " + report.runs());
            }
        } else if (c.checksOutput()) {
            String failed = FileCheck.check(c.checks(), printed);
            if (failed != null) {
                checkProblem = failed + "the output:\n" + printed;
            }
        } else {
            String diff =
                    TextDiff.unified(String.valueOf(file.path().getFileName()), c.expected(), printed, c.expectLine());
            if (diff != null) {
                problems.add(diff);
            }
        }
        if (!skipped.equals(c.skipped())) {
            problems.add("skip remarks differ:\n  expected " + c.skipped() + "\n  actual   " + skipped);
        }
        Map<String, Tensor> feeds = Execution.randomInputs(before, 42);
        String numeric = Execution.compare(Execution.run(before, feeds), Execution.run(after, feeds), tol);
        return new Outcome(unchanged ? null : printed, skipped, problems, checkProblem, numeric);
    }

    /** Compact text without the default header, as expectations are written. */
    static String print(Model m, String header) {
        String s = OnnxTextPrinter.print(m, OnnxTextPrinter.Options.COMPACT);
        return s.startsWith(header) ? s.substring(header.length()) : s;
    }

    private static String fingerprint(Model m) {
        return Hashing.sha256()
                .hashString(OnnxTextPrinter.print(m), StandardCharsets.UTF_8)
                .toString();
    }
}
