package dev.yard.backend.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedOutputStream;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import dev.yard.ir.io.AtomicFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the IR as an ONNX model file. Models whose weights would push the file past
 * protobuf's 2 GiB limit, or any model when asked, keep large tensors in an external data
 * file next to the model ({@code model.onnx.data}). Both files are written atomically.
 */
public final class OnnxWriter {
    /** Above this many bytes of weights, tensors go to an external data file. */
    static final long INLINE_LIMIT = 1_800_000_000L;
    /** Tensors smaller than this stay inline even in external-data mode. */
    static final long EXTERNAL_MIN_BYTES = 1024;

    private OnnxWriter() {}

    /** The model as serialized bytes (all weights inline). */
    public static byte[] toBytes(Model model) {
        return new IrToProto(null).model(model).toByteArray();
    }

    /** Writes {@code model} to {@code file}, choosing external data when it must. */
    public static void write(Model model, Path file) {
        write(model, file, weightBytes(model) > INLINE_LIMIT);
    }

    /** Writes {@code model} to {@code file}, with external data when {@code external} is true. */
    public static void write(Model model, Path file, boolean external) {
        String dataName = file.getFileName() + ".data";
        Path dataTarget = file.toAbsolutePath().resolveSibling(dataName);
        if (!external) {
            // Written over a model that kept its weights in FILE.data, the inline model leaves
            // that file stale: it goes once the new model is in place.
            boolean staleData =
                    Files.isRegularFile(dataTarget) && referencedLocations(file).contains(dataName);
            OnnxMl.ModelProto proto = new IrToProto(null).model(model);
            AtomicFile.write(file, out -> writeProto(proto, out));
            if (staleData) {
                try {
                    Files.deleteIfExists(dataTarget);
                } catch (IOException e) {
                    throw new YardException(
                            file + ": written, but its old external data " + dataTarget + " could not be removed: "
                                    + e.getMessage(),
                            false,
                            e);
                }
            }
            return;
        }
        Path dataTmp = AtomicFile.prepare(dataTarget);
        try {
            OnnxMl.ModelProto proto;
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(dataTmp), 1 << 20)) {
                ExternalSink sink = new ExternalSink(dataName, os);
                proto = new IrToProto(sink).model(model);
            }
            Path modelTmp = AtomicFile.prepare(file);
            try {
                try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(modelTmp), 1 << 16)) {
                    writeProto(proto, os);
                }
                AtomicFile.commit(dataTmp, dataTarget);
                AtomicFile.commit(modelTmp, file);
            } finally {
                AtomicFile.deleteQuietly(modelTmp);
            }
        } catch (IOException e) {
            throw new YardException(file + ": cannot write: " + e.getMessage(), false, e);
        } finally {
            AtomicFile.deleteQuietly(dataTmp);
        }
    }

    /**
     * The external data locations the model now at {@code file} refers to (none when there is
     * no such file or it is not a readable model: then nothing of it is deleted).
     */
    static java.util.Set<String> referencedLocations(Path file) {
        java.util.Set<String> found = new java.util.TreeSet<>();
        if (!Files.isRegularFile(file)) {
            return found;
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            com.google.protobuf.CodedInputStream cis = com.google.protobuf.CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            cis.setRecursionLimit(1000);
            OnnxMl.ModelProto old = OnnxMl.ModelProto.parseFrom(cis);
            collect(old.getGraph(), found);
            for (OnnxMl.FunctionProto f : old.getFunctionsList()) {
                f.getNodeList().forEach(n -> collect(n, found));
            }
        } catch (IOException | RuntimeException e) {
            // Not a model we can read: it cannot be shown to own the data file, so it is kept.
            found.clear();
        }
        return found;
    }

    private static void collect(OnnxMl.GraphProto g, java.util.Set<String> found) {
        g.getInitializerList().forEach(t -> collect(t, found));
        for (OnnxMl.SparseTensorProto s : g.getSparseInitializerList()) {
            collect(s.getValues(), found);
            collect(s.getIndices(), found);
        }
        g.getNodeList().forEach(n -> collect(n, found));
    }

    private static void collect(OnnxMl.NodeProto n, java.util.Set<String> found) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.hasT()) {
                collect(a.getT(), found);
            }
            a.getTensorsList().forEach(t -> collect(t, found));
            if (a.hasG()) {
                collect(a.getG(), found);
            }
            a.getGraphsList().forEach(g -> collect(g, found));
        }
    }

    private static void collect(OnnxMl.TensorProto t, java.util.Set<String> found) {
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            t.getExternalDataList().stream()
                    .filter(e -> e.getKey().equals("location"))
                    .forEach(e -> found.add(e.getValue()));
        }
    }

    private static void writeProto(OnnxMl.ModelProto proto, OutputStream out) throws IOException {
        long size = proto.getSerializedSize();
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new YardException("model is over protobuf's 2 GiB limit; write it with external data", true);
        }
        CodedOutputStream cos = CodedOutputStream.newInstance(out, 1 << 16);
        proto.writeTo(cos);
        cos.flush();
    }

    private static long weightBytes(Model model) {
        long total = 0;
        for (var v : model.graph().initializers()) {
            Tensor t = v.initializer();
            total += t.byteSize();
        }
        return total;
    }

    /** Appends tensor bytes to the external data file and remembers their offsets. */
    static final class ExternalSink {
        private final String location;
        private final WritableByteChannel channel;
        private long offset;

        ExternalSink(String location, OutputStream out) {
            this.location = location;
            this.channel = Channels.newChannel(out);
        }

        boolean wants(Tensor t) {
            return t.elementType() != dev.yard.ir.ElementType.STRING && t.byteSize() >= EXTERNAL_MIN_BYTES;
        }

        /** Writes the tensor's bytes, 64-byte aligned, and returns where they went. */
        long[] append(Tensor t) throws IOException {
            long pad = (64 - offset % 64) % 64;
            if (pad > 0) {
                channel.write(java.nio.ByteBuffer.allocate((int) pad));
                offset += pad;
            }
            long at = offset;
            java.nio.ByteBuffer b = t.raw();
            long len = b.remaining();
            while (b.hasRemaining()) {
                channel.write(b);
            }
            offset += len;
            return new long[] {at, len};
        }

        String location() {
            return location;
        }
    }
}
