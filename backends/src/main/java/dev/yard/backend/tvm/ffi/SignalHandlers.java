package dev.yard.backend.tvm.ffi;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The process's signal handlers, saved before TVM loads and put back afterwards. libtvm_ffi
 * installs crash handlers (SIGSEGV and friends) that print a backtrace and exit; the JVM
 * uses SIGSEGV for its own null checks and safepoints, so left in place TVM's handler turns
 * the first ordinary JVM trap into a "Segfault encountered" crash.
 */
final class SignalHandlers {
    /** Larger than glibc's {@code struct sigaction} on x86_64 (152 bytes). */
    private static final int SIGACTION_BYTES = 256;

    private static final int LAST_SIGNAL = 31;

    private interface LibC extends Library {
        int sigaction(int signal, Pointer action, Pointer oldAction);
    }

    private final LibC libc;
    private final Memory[] saved = new Memory[LAST_SIGNAL + 1];

    private SignalHandlers(LibC libc) {
        this.libc = libc;
    }

    static SignalHandlers save() {
        SignalHandlers s = new SignalHandlers(Native.load("c", LibC.class));
        for (int sig = 1; sig <= LAST_SIGNAL; sig++) {
            Memory m = new Memory(SIGACTION_BYTES);
            m.clear();
            if (s.libc.sigaction(sig, null, m) == 0) {
                s.saved[sig] = m;
            }
        }
        return s;
    }

    /** The handler address installed for {@code signal} now (the first field of sigaction). */
    static long current(int signal) {
        LibC libc = Native.load("c", LibC.class);
        Memory m = new Memory(SIGACTION_BYTES);
        m.clear();
        if (libc.sigaction(signal, null, m) != 0) {
            throw new IllegalStateException("sigaction(" + signal + ") failed");
        }
        return m.getLong(0);
    }

    void restore() {
        for (int sig = 1; sig <= LAST_SIGNAL; sig++) {
            if (saved[sig] != null && sig != 9 && sig != 19) {
                libc.sigaction(sig, saved[sig], null);
            }
        }
    }
}
