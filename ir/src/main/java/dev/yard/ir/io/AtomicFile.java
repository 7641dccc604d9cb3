package dev.yard.ir.io;

import dev.yard.ir.YardException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes an output file so that readers never see it half-written: the content goes to a
 * temporary file in the same folder, which replaces the target only once it is complete. A
 * failed write leaves the old file as it was, and a process stopped mid-write (Ctrl-C,
 * SIGTERM) deletes its temporary files on the way out.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Temporary files being written now, deleted by a shutdown hook if the process is stopped. */
    private static final java.util.Set<Path> PENDING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> PENDING.forEach(AtomicFile::deleteQuietly), "yard-atomic-file-cleanup"));
    }

    /** Something that writes the whole content to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code content} to {@code target} atomically. */
    public static void write(Path target, Content content) {
        Path tmp = prepare(target);
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                content.writeTo(out);
            }
            commit(tmp, target);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new YardException(target + ": cannot write: " + e.getMessage(), false, e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /**
     * Creates a temporary sibling of {@code target} to write into; pass it to {@link #commit}
     * when complete, or to {@link #deleteQuietly} on failure.
     */
    public static Path prepare(Path target) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw YardException.badInput(target + ": cannot write: folder " + dir + " does not exist");
        }
        if (Files.isDirectory(abs)) {
            throw YardException.badInput(target + ": cannot write: it is a folder");
        }
        try {
            Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            PENDING.add(tmp);
            // Temporary files are private; the output should read like any file the user writes.
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(
                        tmp,
                        Files.exists(abs)
                                ? Files.getPosixFilePermissions(abs)
                                : PosixFilePermissions.fromString("rw-r--r--"));
            }
            return tmp;
        } catch (IOException e) {
            throw YardException.badInput(target + ": cannot write in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Moves a completed temporary file over the target. */
    public static void commit(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        PENDING.remove(tmp);
    }

    public static void deleteQuietly(Path tmp) {
        PENDING.remove(tmp);
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // Nothing more to do: the target was never touched.
        }
    }
}
