package dev.yard.backend.tvm.ffi;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The part of TVM's C ABI ({@code tvm/ffi/c_api.h} of apache-tvm-ffi) that Yard calls, with
 * the struct layouts it reads by offset. Kept to what running a Relax VM needs.
 */
interface CApi extends Library {
    // TVMFFIAny: int32 type_index, uint32 padding or small-string length, 8-byte payload.
    int ANY_SIZE = 16;
    int ANY_PAYLOAD = 8;
    // TVMFFIObject header: uint64 ref counts, int32 type_index, uint32 pad, deleter pointer.
    int OBJECT_HEADER = 24;
    int OBJECT_TYPE_INDEX = 8;

    // Type indices (enum TVMFFITypeIndex).
    int NONE = 0;
    int INT = 1;
    int BOOL = 2;
    int FLOAT = 3;
    int DATA_TYPE = 5;
    int DEVICE = 6;
    int RAW_STR = 8;
    int SMALL_STR = 11;
    int STATIC_OBJECT_BEGIN = 64;
    int STR = 65;
    int ERROR = 67;
    int FUNCTION = 68;
    int TENSOR = 70;
    int ARRAY = 71;

    // DLTensor, which a Tensor object holds right after its header.
    int DL_DATA = 0;
    int DL_DEVICE = 8;
    int DL_NDIM = 16;
    int DL_DTYPE = 20;
    int DL_SHAPE = 24;
    int DL_STRIDES = 32;
    int DL_BYTE_OFFSET = 40;

    int TVMFFIFunctionGetGlobal(Pointer nameByteArray, Pointer[] out);

    int TVMFFIFunctionCall(Pointer func, Pointer args, int numArgs, Pointer result);

    void TVMFFIErrorMoveFromRaised(Pointer[] out);

    int TVMFFIObjectDecRef(Pointer obj);

    int TVMFFIObjectIncRef(Pointer obj);

    /**
     * Loads libtvm_ffi and then libtvm_runtime, both with global symbol visibility: the
     * runtime links against the first by name, and the libraries TVM exports resolve their
     * runtime calls (workspace allocation, parallel launch) against the second.
     */
    static CApi load(Path ffiLibrary, Path runtimeLibrary) {
        Map<String, Object> options = Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL);
        SignalHandlers jvmHandlers = SignalHandlers.save();
        try {
            CApi api = Native.load(ffiLibrary.toString(), CApi.class, options);
            Loaded.LIBRARIES.add(NativeLibrary.getInstance(runtimeLibrary.toString(), options));
            return api;
        } finally {
            jvmHandlers.restore();
        }
    }

    /**
     * Strong references to the libraries loaded besides the API's own. JNA closes a library
     * once nothing references its handle, and an unloaded libtvm_runtime leaves the functions
     * it registered with libtvm_ffi pointing at unmapped code: the next call crashed the JVM.
     */
    final class Loaded {
        static final List<NativeLibrary> LIBRARIES = new CopyOnWriteArrayList<>();

        private Loaded() {}
    }

    int RTLD_NOW = 0x2;
    int RTLD_GLOBAL = 0x100;
}
