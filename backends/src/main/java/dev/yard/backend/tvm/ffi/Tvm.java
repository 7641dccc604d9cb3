package dev.yard.backend.tvm.ffi;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * TVM's runtime loaded into this process through its C ABI: global functions, calls with
 * TVM's packed arguments, tensors. One per process (the native libraries load once); get
 * it with {@link #load}. No Python runs here: only libtvm_ffi and libtvm_runtime, found in
 * the {@code apache-tvm} wheel of a Python environment.
 */
public final class Tvm {
    private static Tvm instance;

    private final CApi api;
    private final Path libraryDir;

    private Tvm(CApi api, Path libraryDir) {
        this.api = api;
        this.libraryDir = libraryDir;
    }

    /**
     * The runtime from the Python environment {@code venv} (the folder {@code scripts/setup-env}
     * creates). Loaded on the first call; later calls return the same runtime.
     */
    public static synchronized Tvm load(Path venv) {
        if (instance == null) {
            Path sitePackages = sitePackages(venv);
            Path ffi = sitePackages.resolve("tvm_ffi/lib/libtvm_ffi.so");
            Path runtime = sitePackages.resolve("tvm/lib/libtvm_runtime.so");
            if (!Files.exists(ffi) || !Files.exists(runtime)) {
                throw YardException.badInput("TVM's runtime libraries are not in " + sitePackages
                        + " (expected tvm_ffi/lib/libtvm_ffi.so and tvm/lib/libtvm_runtime.so): run scripts/setup-env");
            }
            instance = new Tvm(CApi.load(ffi, runtime), runtime.getParent());
        }
        return instance;
    }

    static Path sitePackages(Path venv) {
        Path lib = venv.resolve("lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> s = Files.list(lib)) {
                List<Path> found = s.filter(p -> p.getFileName().toString().startsWith("python"))
                        .map(p -> p.resolve("site-packages"))
                        .filter(Files::isDirectory)
                        .sorted()
                        .toList();
                if (!found.isEmpty()) {
                    return found.get(found.size() - 1);
                }
            } catch (IOException e) {
                throw new YardException("cannot list " + lib + ": " + e.getMessage(), false, e);
            }
        }
        throw YardException.badInput("no Python environment at " + venv + ": create it with scripts/setup-env");
    }

    CApi api() {
        return api;
    }

    /** The folder holding libtvm_runtime.so. */
    public Path libraryDir() {
        return libraryDir;
    }

    /** A global function registered in TVM by name, such as {@code ffi.ModuleLoadFromFile}. */
    public TvmObject global(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        Memory bytes = new Memory(utf8.length + 1L);
        bytes.write(0, utf8, 0, utf8.length);
        bytes.setByte(utf8.length, (byte) 0);
        Memory array = new Memory(16);
        array.setPointer(0, bytes);
        array.setLong(8, utf8.length);
        Pointer[] out = new Pointer[1];
        check(api.TVMFFIFunctionGetGlobal(array, out));
        if (out[0] == null) {
            throw new YardException("TVM has no global function " + name, false);
        }
        return new TvmObject(this, out[0]);
    }

    /**
     * Calls a TVM function. Arguments may be {@link Long}, {@link Integer}, {@link Boolean},
     * {@link Double}, {@link String}, {@link TvmObject}, {@link DType}, {@link Tvm.Device} or null.
     * Returns null, a Long, Boolean, Double, String, or a {@link TvmObject} the caller owns.
     */
    public Object call(TvmObject function, Object... args) {
        Memory packed = new Memory((long) CApi.ANY_SIZE * Math.max(1, args.length));
        packed.clear();
        List<Memory> keepAlive = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            pack(packed.share((long) i * CApi.ANY_SIZE), args[i], keepAlive);
        }
        Memory result = new Memory(CApi.ANY_SIZE);
        result.clear();
        check(api.TVMFFIFunctionCall(function.handle(), packed, args.length, result));
        return unpack(result);
    }

    /** Calls the global function {@code name}, releasing the function afterwards. */
    public Object callGlobal(String name, Object... args) {
        try (TvmObject f = global(name)) {
            return call(f, args);
        }
    }

    private static void pack(Pointer any, Object arg, List<Memory> keepAlive) {
        if (arg == null) {
            any.setInt(0, CApi.NONE);
        } else if (arg instanceof Long || arg instanceof Integer) {
            any.setInt(0, CApi.INT);
            any.setLong(CApi.ANY_PAYLOAD, ((Number) arg).longValue());
        } else if (arg instanceof Boolean b) {
            any.setInt(0, CApi.BOOL);
            any.setLong(CApi.ANY_PAYLOAD, b ? 1 : 0);
        } else if (arg instanceof Double d) {
            any.setInt(0, CApi.FLOAT);
            any.setDouble(CApi.ANY_PAYLOAD, d);
        } else if (arg instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            Memory str = new Memory(utf8.length + 1L);
            str.write(0, utf8, 0, utf8.length);
            str.setByte(utf8.length, (byte) 0);
            keepAlive.add(str);
            any.setInt(0, CApi.RAW_STR);
            any.setPointer(CApi.ANY_PAYLOAD, str);
        } else if (arg instanceof TvmObject o) {
            any.setInt(0, o.typeIndex());
            any.setPointer(CApi.ANY_PAYLOAD, o.handle());
        } else if (arg instanceof DType d) {
            any.setInt(0, CApi.DATA_TYPE);
            any.setByte(CApi.ANY_PAYLOAD, (byte) d.code());
            any.setByte(CApi.ANY_PAYLOAD + 1, (byte) d.bits());
            any.setShort(CApi.ANY_PAYLOAD + 2, (short) 1);
        } else if (arg instanceof Device d) {
            any.setInt(0, CApi.DEVICE);
            any.setInt(CApi.ANY_PAYLOAD, d.type());
            any.setInt(CApi.ANY_PAYLOAD + 4, d.id());
        } else {
            throw new IllegalArgumentException("cannot pass " + arg.getClass().getName() + " to TVM");
        }
    }

    private Object unpack(Pointer any) {
        int type = any.getInt(0);
        switch (type) {
            case CApi.NONE:
                return null;
            case CApi.INT:
                return any.getLong(CApi.ANY_PAYLOAD);
            case CApi.BOOL:
                return any.getLong(CApi.ANY_PAYLOAD) != 0;
            case CApi.FLOAT:
                return any.getDouble(CApi.ANY_PAYLOAD);
            case CApi.SMALL_STR:
                return new String(any.getByteArray(CApi.ANY_PAYLOAD, any.getInt(4)), StandardCharsets.UTF_8);
            default:
                break;
        }
        if (type < CApi.STATIC_OBJECT_BEGIN) {
            throw new YardException("TVM returned a value of type index " + type + ", which Yard does not read", false);
        }
        Pointer handle = any.getPointer(CApi.ANY_PAYLOAD);
        if (type == CApi.STR) {
            try {
                return byteArrayString(handle.share(CApi.OBJECT_HEADER));
            } finally {
                api.TVMFFIObjectDecRef(handle);
            }
        }
        return new TvmObject(this, handle);
    }

    private static String byteArrayString(Pointer byteArray) {
        Pointer data = byteArray.getPointer(0);
        long size = byteArray.getLong(8);
        return size == 0 ? "" : new String(data.getByteArray(0, (int) size), StandardCharsets.UTF_8);
    }

    /** Turns a failed call's return code into a {@link TvmException} with TVM's message. */
    private void check(int rc) {
        if (rc == 0) {
            return;
        }
        Pointer[] err = new Pointer[1];
        api.TVMFFIErrorMoveFromRaised(err);
        if (err[0] == null) {
            throw new TvmException("Error", "call failed with code " + rc + " and no error raised");
        }
        try {
            Pointer cell = err[0].share(CApi.OBJECT_HEADER);
            throw new TvmException(byteArrayString(cell), byteArrayString(cell.share(16)));
        } finally {
            api.TVMFFIObjectDecRef(err[0]);
        }
    }

    /** A new CPU tensor holding a copy of {@code t}. */
    public TvmObject tensor(Tensor t, String where) {
        DType dtype = DType.of(t.elementType(), where);
        Object[] dims = new Object[t.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.dims()[i];
        }
        TvmObject tensor;
        try (TvmObject shape = (TvmObject) callGlobal("ffi.Shape", dims)) {
            tensor = (TvmObject) callGlobal("runtime.TVMTensorAllocWithScope", shape, dtype, Device.CPU, null);
        }
        Pointer dl = tensor.handle().share(CApi.OBJECT_HEADER);
        Pointer data = dl.getPointer(CApi.DL_DATA).share(dl.getLong(CApi.DL_BYTE_OFFSET));
        ByteBuffer raw = t.raw();
        byte[] bytes = new byte[raw.remaining()];
        raw.duplicate().get(bytes);
        data.write(0, bytes, 0, bytes.length);
        return tensor;
    }

    /** Copies a TVM CPU tensor (compact, row-major) into an IR tensor. */
    public Tensor toTensor(TvmObject tensor) {
        if (tensor.typeIndex() != CApi.TENSOR) {
            throw new YardException("expected a TVM tensor, got an object of type index " + tensor.typeIndex(), false);
        }
        Pointer dl = tensor.handle().share(CApi.OBJECT_HEADER);
        if (dl.getInt(CApi.DL_DEVICE) != Device.CPU.type()) {
            throw new YardException("TVM tensor is not on the CPU", false);
        }
        int ndim = dl.getInt(CApi.DL_NDIM);
        int code = dl.getByte(CApi.DL_DTYPE) & 0xff;
        int bits = dl.getByte(CApi.DL_DTYPE + 1) & 0xff;
        DType dtype = DType.ofDlpack(code, bits);
        long[] dims = ndim == 0 ? new long[0] : dl.getPointer(CApi.DL_SHAPE).getLongArray(0, ndim);
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        long bytes = count * bits / 8;
        if (bytes > Integer.MAX_VALUE) {
            throw new YardException("TVM tensor of " + bytes + " bytes is too large to read", false);
        }
        Pointer data = dl.getPointer(CApi.DL_DATA).share(dl.getLong(CApi.DL_BYTE_OFFSET));
        ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(data.getByteArray(0, (int) bytes)).flip();
        return Tensor.ofRaw(dtype.elementType(), dims, buf);
    }

    /** The elements of a TVM array (a tuple result), each a new reference the caller owns. */
    public List<Object> arrayItems(TvmObject array) {
        long n = (Long) call(globalCached("ffi.ArraySize"), array);
        List<Object> items = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            items.add(call(globalCached("ffi.ArrayGetItem"), array, i));
        }
        return items;
    }

    private final java.util.Map<String, TvmObject> globals = new java.util.concurrent.ConcurrentHashMap<>();

    /** A global function kept for the life of the runtime (for calls on a hot path). */
    TvmObject globalCached(String name) {
        return globals.computeIfAbsent(name, this::global);
    }

    /** A device as DLPack numbers it. */
    public record Device(int type, int id) {
        public static final Device CPU = new Device(1, 0);
    }
}
