package dev.yard.backend.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.Result;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.ir.ElementType;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model loaded in ONNX Runtime (CPU), fed and read with IR tensors: the reference
 * executor that tests, reports and measurements compare against.
 */
public final class OrtSession implements AutoCloseable {

    /**
     * ONNX Runtime's process-wide environment, created quiet: its own log lines (coloured, on
     * stderr, before the exception that says the same) would break Yard's one-line errors.
     */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "yard");
    }

    /** ONNX Runtime's refusal of a model, as bad input on one line. */
    private static YardException refused(String what, OrtException e) {
        String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return new YardException(what + "ONNX Runtime cannot load the model: " + first, true, e);
    }

    private final ai.onnxruntime.OrtSession session;

    private OrtSession(ai.onnxruntime.OrtSession session) {
        this.session = session;
    }

    /** Loads an IR model (serialized in memory) with {@code threads} intra-op threads (0: ORT's default). */
    public static OrtSession of(Model model, int threads) {
        return of(OnnxWriter.toBytes(model), threads);
    }

    /**
     * Loads an IR model with ONNX Runtime's graph optimizations off: every node runs as written,
     * so a reference run is not itself a rewritten graph (ORT's own fusions, constant folding
     * and layout choices depend on what it knows about shapes and constants).
     */
    public static OrtSession unoptimized(Model model, int threads) {
        return unoptimized(OnnxWriter.toBytes(model), threads);
    }

    /**
     * Loads a serialized model with graph optimizations off. Also the machine-independent way
     * to run it: ONNX Runtime's optimized graphs (NCHWc layouts, fusions) take different kernels
     * on AVX2 and AVX-512 CPUs and differ in the last bits, its plain kernels do not (measured
     * on every intermediate value of LeNet and PP-OCRv3 detection, AVX-512 against AVX2).
     */
    public static OrtSession unoptimized(byte[] modelBytes, int threads) {
        return new OrtSession(unoptimizedSession(modelBytes, threads));
    }

    /** ONNX Runtime's own session of a serialized model, graph optimizations off. */
    static ai.onnxruntime.OrtSession unoptimizedSession(byte[] modelBytes, int threads) {
        OrtEnvironment env = environment();
        try (SessionOptions opts = options(threads)) {
            opts.setOptimizationLevel(SessionOptions.OptLevel.NO_OPT);
            return env.createSession(modelBytes, opts);
        } catch (OrtException e) {
            throw refused("", e);
        }
    }

    /** Loads a model file (external data is found next to it). */
    public static OrtSession of(java.nio.file.Path file, int threads) {
        OrtEnvironment env = environment();
        try (SessionOptions opts = options(threads)) {
            return new OrtSession(env.createSession(file.toString(), opts));
        } catch (OrtException e) {
            throw refused(file + ": ", e);
        }
    }

    private static SessionOptions options(int threads) throws OrtException {
        SessionOptions opts = new SessionOptions();
        opts.setIntraOpNumThreads(threads);
        opts.setInterOpNumThreads(1);
        // Errors reach the caller as exceptions; ONNX Runtime's own log lines would duplicate them.
        opts.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
        return opts;
    }

    /** Loads a serialized model. */
    public static OrtSession of(byte[] modelBytes, int threads) {
        OrtEnvironment env = environment();
        try (SessionOptions opts = options(threads)) {
            return new OrtSession(env.createSession(modelBytes, opts));
        } catch (OrtException e) {
            throw refused("", e);
        }
    }

    /** Input names and their ORT tensor shapes (-1 for dynamic dimensions). */
    public Map<String, long[]> inputShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo ti) {
                    m.put(e.getKey(), ti.getShape());
                }
            }
        } catch (OrtException e) {
            throw new YardException("ONNX Runtime: " + e.getMessage(), false, e);
        }
        return m;
    }

    /** Input names and their element types, for the tensor inputs of types Yard can feed. */
    public Map<String, ElementType> inputTypes() {
        Map<String, ElementType> m = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo ti) {
                    try {
                        m.put(e.getKey(), elementType(ti.type));
                    } catch (YardException unsupported) {
                        // Left out: feeding it is refused where the inputs are made.
                    }
                }
            }
        } catch (OrtException e) {
            throw new YardException("ONNX Runtime: " + e.getMessage(), false, e);
        }
        return m;
    }

    public List<String> outputNames() {
        return new ArrayList<>(session.getOutputNames());
    }

    /** Runs the model on {@code inputs} (by name) and returns every tensor output by name. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                feeds.put(e.getKey(), toOrt(e.getValue()));
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            try (Result r = session.run(feeds)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    if (e.getValue() instanceof OnnxTensor t) {
                        out.put(e.getKey(), fromOrt(t));
                    }
                }
            }
            return out;
        } catch (OrtException e) {
            throw new YardException("ONNX Runtime failed to run the model: " + e.getMessage(), false, e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Median wall time of one run, in milliseconds: {@code warmup} untimed runs, then timed
     * runs until {@code minRuns} are done and at least {@code minMillis} have passed (at most
     * {@code maxRuns}). Inputs are converted once, outside the timed region.
     */
    public double medianMillis(Map<String, Tensor> inputs, int warmup, int minRuns, int maxRuns, long minMillis) {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                feeds.put(e.getKey(), toOrt(e.getValue()));
            }
            for (int i = 0; i < warmup; i++) {
                session.run(feeds).close();
            }
            List<Double> times = new ArrayList<>();
            long start = System.nanoTime();
            while (times.size() < maxRuns
                    && (times.size() < minRuns || (System.nanoTime() - start) / 1_000_000 < minMillis)) {
                long t0 = System.nanoTime();
                session.run(feeds).close();
                times.add((System.nanoTime() - t0) / 1e6);
            }
            times.sort(null);
            int n = times.size();
            return n % 2 == 1 ? times.get(n / 2) : (times.get(n / 2 - 1) + times.get(n / 2)) / 2;
        } catch (OrtException e) {
            throw new YardException("ONNX Runtime failed to run the model: " + e.getMessage(), false, e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** {@code t} as an ONNX Runtime tensor over a direct copy of its bytes (the caller closes it). */
    static OnnxTensor toOrt(Tensor t) throws OrtException {
        ByteBuffer direct = ByteBuffer.allocateDirect((int) t.byteSize()).order(ByteOrder.nativeOrder());
        ByteBuffer raw = t.raw();
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new YardException("big-endian hosts are not supported", false);
        }
        direct.put(raw).flip();
        return OnnxTensor.createTensor(environment(), direct, t.dims(), javaType(t.elementType()));
    }

    /** An ONNX Runtime tensor's values, copied into an IR tensor. */
    static Tensor fromOrt(OnnxTensor t) {
        TensorInfo info = t.getInfo();
        ElementType type = elementType(info.type);
        ByteBuffer b = t.getByteBuffer();
        if (b == null) {
            throw new YardException("ONNX Runtime output of type " + info.type + " cannot be read", false);
        }
        ByteBuffer copy = ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(b.order(ByteOrder.LITTLE_ENDIAN)).flip();
        return Tensor.ofRaw(type, info.getShape(), copy);
    }

    private static OnnxJavaType javaType(ElementType t) {
        return switch (t) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            default -> throw YardException.badInput("ONNX Runtime's Java API cannot take " + t.textName() + " inputs");
        };
    }

    static ElementType elementType(OnnxJavaType t) {
        return switch (t) {
            case FLOAT -> ElementType.FLOAT;
            case DOUBLE -> ElementType.DOUBLE;
            case FLOAT16 -> ElementType.FLOAT16;
            case BFLOAT16 -> ElementType.BFLOAT16;
            case INT8 -> ElementType.INT8;
            case UINT8 -> ElementType.UINT8;
            case INT16 -> ElementType.INT16;
            case INT32 -> ElementType.INT32;
            case INT64 -> ElementType.INT64;
            case BOOL -> ElementType.BOOL;
            default -> throw new YardException("ONNX Runtime output type " + t + " is not supported", false);
        };
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new YardException("ONNX Runtime: " + e.getMessage(), false, e);
        }
    }
}
