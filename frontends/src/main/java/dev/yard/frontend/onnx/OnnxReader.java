package dev.yard.frontend.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads an ONNX model file (binary protobuf) into Yard's IR.
 *
 * <p>The file is memory-mapped and parsed with aliasing, so large weights are not copied:
 * tensors view the mapped file directly. External data files are resolved next to the model.
 * Every failure is a {@link YardException} whose message is one line starting with the file name.
 */
public final class OnnxReader {
    private OnnxReader() {}

    /** Reads the model at {@code file}. */
    public static Model read(Path file) {
        String source = file.toString();
        ByteBuffer bytes = map(file, source);
        return read(bytes, file.toAbsolutePath().getParent(), source);
    }

    /**
     * Reads a model from serialized bytes. {@code baseDir} is where external data files are
     * looked up (null: a model with external data is an error); {@code source} names the
     * input in messages.
     */
    public static Model read(ByteBuffer bytes, Path baseDir, String source) {
        try {
            OnnxMl.ModelProto proto = parse(bytes, source);
            return new ProtoToIr(source, new ExternalData(baseDir, source)).model(proto);
        } catch (YardException e) {
            // Messages quote the file's names as they are, and a name may hold a line break.
            String line = YardException.oneLine(e.getMessage());
            throw line.equals(e.getMessage()) ? e : new YardException(line, e.isBadInput(), e);
        }
    }

    /** Reads a serialized {@code TensorProto} (a test-data file such as {@code input_0.pb}). */
    public static dev.yard.ir.Tensor readTensor(Path file) {
        String source = file.toString();
        try {
            OnnxMl.TensorProto proto = OnnxMl.TensorProto.parseFrom(java.nio.file.Files.readAllBytes(file));
            return new ProtoTensors(
                            source, new ExternalData(file.toAbsolutePath().getParent(), source))
                    .tensor(proto, proto.getName());
        } catch (java.io.IOException e) {
            throw YardException.badInput(
                    source + ": cannot read a tensor: " + YardException.oneLine(e.getMessage()), e);
        }
    }

    private static ByteBuffer map(Path file, String source) {
        // A device or pipe (/dev/zero, /dev/stdin) has no size to map: reading it would never end
        // or report "empty"; a model is a regular file.
        if (Files.exists(file) && !Files.isDirectory(file) && !Files.isRegularFile(file)) {
            throw YardException.badInput(source + ": not a regular file (a device or pipe), not an ONNX model");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw YardException.badInput(source + ": empty file, not an ONNX model");
            }
            if (size > Integer.MAX_VALUE) {
                throw YardException.badInput(source + ": file is " + size
                        + " bytes, over protobuf's 2 GiB limit; large weights must be in external data files");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            throw YardException.badInput(source + ": no such file");
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw YardException.badInput(source + ": is a directory, not an ONNX model");
            }
            throw YardException.badInput(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static OnnxMl.ModelProto parse(ByteBuffer bytes, String source) {
        OnnxMl.ModelProto proto;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(true);
            in.setSizeLimit(Integer.MAX_VALUE);
            in.setRecursionLimit(1000);
            proto = OnnxMl.ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw YardException.badInput(
                    source + ": not a valid ONNX model (protobuf: " + firstLine(e.getMessage())
                            + "; is the file truncated or not ONNX?)",
                    e);
        } catch (IOException e) {
            throw YardException.badInput(source + ": cannot read: " + e.getMessage(), e);
        }
        if (!proto.hasGraph()) {
            throw YardException.badInput(source + ": not an ONNX model (no graph in the file)");
        }
        if (!proto.hasIrVersion() || proto.getIrVersion() <= 0) {
            throw YardException.badInput(source + ": not an ONNX model (no ir_version)");
        }
        return proto;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
