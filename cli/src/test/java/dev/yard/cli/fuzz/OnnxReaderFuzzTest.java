package dev.yard.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.yard.frontend.onnx.OnnxReader;
import dev.yard.ir.YardException;
import java.nio.ByteBuffer;

/** The binary ONNX reader on arbitrary bytes, as {@code yard} reads a .onnx file. */
class OnnxReaderFuzzTest {
    static final String SOURCE = "fuzz.onnx";

    @FuzzTest
    void read(byte[] onnx) {
        try {
            // No base folder: external data is refused rather than looked up on disk.
            OnnxReader.read(ByteBuffer.wrap(onnx), null, SOURCE);
        } catch (YardException e) {
            BadInput.checkOneLine(e, SOURCE);
        }
    }
}
