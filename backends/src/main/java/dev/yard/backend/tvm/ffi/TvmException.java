package dev.yard.backend.tvm.ffi;

import dev.yard.ir.YardException;

/** An error raised inside TVM, carrying TVM's error kind and message. */
public final class TvmException extends YardException {
    private final String kind;

    TvmException(String kind, String message) {
        super("TVM " + kind + ": " + message, false);
        this.kind = kind;
    }

    /** TVM's error kind, such as {@code ValueError} or {@code InternalError}. */
    public String kind() {
        return kind;
    }
}
