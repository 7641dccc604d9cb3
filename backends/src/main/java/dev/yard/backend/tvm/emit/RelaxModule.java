package dev.yard.backend.tvm.emit;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.Tensor;
import dev.yard.ir.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Relax module Yard emitted: the TVMScript text, the parameters it takes after the
 * inputs (constant tensors, kept out of the text), and the names, types and shapes of
 * {@code main}'s inputs and outputs. {@link #write} lays it out as files the builder reads.
 */
public record RelaxModule(String script, List<Param> params, List<Port> inputs, List<Port> outputs) {
    public static final String SCRIPT_FILE = "module.py";
    public static final String PARAMS_INDEX = "params.json";
    public static final String PARAMS_DATA = "params.bin";
    public static final String SIGNATURE = "signature.json";

    /** One parameter of {@code main}: its Relax name, its ONNX name and its value (already in the Relax dtype). */
    public record Param(String name, String onnxName, Tensor value) {}

    /** An input or output of {@code main}. */
    public record Port(String name, String onnxName, DType dtype, long[] dims) {}

    /** Writes the script, the parameters (raw little-endian bytes and a JSON index) and the signature into {@code dir}. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new dev.yard.ir.YardException("cannot create " + dir + ": " + e.getMessage(), true, e);
        }
        List<Map<String, Object>> index = new ArrayList<>();
        long offset = 0;
        for (Param p : params) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", p.name());
            entry.put("onnx_name", p.onnxName());
            entry.put("dtype", DType.of(p.value().elementType(), p.onnxName()).tvmName());
            entry.put("shape", p.value().dims());
            entry.put("offset", offset);
            entry.put("bytes", p.value().byteSize());
            offset += p.value().byteSize();
            index.add(entry);
        }
        Map<String, Object> paramsJson = new LinkedHashMap<>();
        paramsJson.put("data", PARAMS_DATA);
        paramsJson.put("params", index);
        AtomicFile.write(dir.resolve(PARAMS_DATA), out -> {
            WritableByteChannel ch = Channels.newChannel(out);
            for (Param p : params) {
                ByteBuffer raw = p.value().raw().duplicate();
                while (raw.hasRemaining()) {
                    ch.write(raw);
                }
            }
        });
        writeText(dir.resolve(PARAMS_INDEX), gson().toJson(paramsJson) + "\n");
        writeText(
                dir.resolve(SIGNATURE),
                gson().toJson(Map.of("inputs", ports(inputs), "outputs", ports(outputs))) + "\n");
        writeText(dir.resolve(SCRIPT_FILE), script);
    }

    /** A digest of everything the built library depends on (script and parameter bytes). */
    public String digest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(script.getBytes(StandardCharsets.UTF_8));
            for (Param p : params) {
                md.update(p.name().getBytes(StandardCharsets.UTF_8));
                md.update(p.value().raw().duplicate());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> ports(List<Port> ports) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Port p : ports) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("onnx_name", p.onnxName());
            m.put("dtype", p.dtype().tvmName());
            m.put("shape", p.dims());
            out.add(m);
        }
        return out;
    }

    private static Gson gson() {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    }

    private static void writeText(Path file, String text) {
        AtomicFile.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Reads the signature {@link #write} stored in {@code dir}. */
    public static Signature readSignature(Path dir) {
        Path file = dir.resolve(SIGNATURE);
        try {
            return new Gson().fromJson(Files.readString(file), Signature.class);
        } catch (IOException | RuntimeException e) {
            throw dev.yard.ir.YardException.badInput(file + ": cannot read the module signature: " + e.getMessage(), e);
        }
    }

    /** The stored form of a module's inputs and outputs. */
    public static final class Signature {
        public List<StoredPort> inputs = List.of();
        public List<StoredPort> outputs = List.of();
    }

    /** One stored input or output. */
    public static final class StoredPort {
        public String name;
        public String onnx_name;
        public String dtype;
        public long[] shape;
    }
}
