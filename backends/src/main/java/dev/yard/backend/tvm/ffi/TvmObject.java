package dev.yard.backend.tvm.ffi;

import com.sun.jna.Pointer;

/**
 * A reference Yard holds to a TVM object (function, module, tensor, array). Closing it
 * releases the reference; TVM frees the object when nobody else holds it.
 */
public final class TvmObject implements AutoCloseable {
    private final Tvm tvm;
    private Pointer handle;

    TvmObject(Tvm tvm, Pointer handle) {
        this.tvm = tvm;
        this.handle = handle;
    }

    Pointer handle() {
        if (handle == null) {
            throw new IllegalStateException("TVM object used after close");
        }
        return handle;
    }

    /** TVM's type index of the object (70 for a tensor, 71 for an array, ...). */
    public int typeIndex() {
        return handle().getInt(CApi.OBJECT_TYPE_INDEX);
    }

    @Override
    public void close() {
        if (handle != null) {
            tvm.api().TVMFFIObjectDecRef(handle);
            handle = null;
        }
    }
}
