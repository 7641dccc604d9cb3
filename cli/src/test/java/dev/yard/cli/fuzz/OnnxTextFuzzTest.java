package dev.yard.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import dev.yard.ir.text.OnnxTextReader;
import java.nio.charset.StandardCharsets;

/**
 * ONNX's textual syntax on arbitrary text, as {@code yard} reads a .onnxtxt file; a model that
 * parses goes on through the verifier and shape inference, as after any load. Text lets the
 * fuzzer reach well-formed graphs far more often than protobuf bytes do.
 */
class OnnxTextFuzzTest {
    static final String SOURCE = "fuzz.onnxtxt";

    @FuzzTest
    void parse(byte[] utf8) {
        // The command line refuses bytes that are not UTF-8 before parsing; the parser sees text.
        String text = new String(utf8, StandardCharsets.UTF_8);
        Model model;
        try {
            model = OnnxTextReader.parse(text, SOURCE);
        } catch (YardException e) {
            BadInput.checkOneLine(e, SOURCE);
            return;
        }
        LoadVerifyInferFuzzTest.verifyAndInfer(model);
    }
}
