package dev.yard.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.yard.frontend.onnx.OnnxReader;
import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.ir.verify.Verifier;
import java.nio.ByteBuffer;

/**
 * A binary ONNX model through what every command does after reading it: the verifier, then
 * shape inference (which reports conflicts as problems and must not throw at all).
 */
class LoadVerifyInferFuzzTest {
    static final String SOURCE = "fuzz.onnx";

    @FuzzTest
    void loadVerifyInfer(byte[] onnx) {
        Model model;
        try {
            model = OnnxReader.read(ByteBuffer.wrap(onnx), null, SOURCE);
        } catch (YardException e) {
            BadInput.checkOneLine(e, SOURCE);
            return;
        }
        verifyAndInfer(model);
    }

    /** What a loaded model goes through next: the verifier, then, if it passed, shape inference. */
    static void verifyAndInfer(Model model) {
        try {
            // Its message lists every problem, one per line.
            Verifier.verify(model);
        } catch (YardException e) {
            BadInput.check(e);
            return;
        }
        ShapeInference.infer(model);
    }
}
