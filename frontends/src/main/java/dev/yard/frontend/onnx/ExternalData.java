package dev.yard.frontend.onnx;

import dev.yard.ir.YardException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Resolves tensors stored in external data files: maps each file once and hands out views of
 * the requested byte ranges. Locations are resolved against the model's folder and may not
 * leave it, as ONNX requires, by name or through a symbolic link.
 */
final class ExternalData {
    private final Path baseDir;
    private final String source;
    private final Map<Path, ByteBuffer> mapped = new HashMap<>();

    ExternalData(Path baseDir, String source) {
        this.baseDir = baseDir;
        this.source = source;
    }

    ByteBuffer slice(String tensor, String location, long offset, long length) {
        if (baseDir == null) {
            throw YardException.badInput(
                    source + ": tensor '" + tensor + "' has external data, but the model was not read from a file");
        }
        Path rel;
        try {
            rel = Path.of(location);
        } catch (java.nio.file.InvalidPathException e) {
            throw YardException.badInput(
                    source + ": tensor '" + tensor + "': external data location '" + location + "' is not a file name");
        }
        Path file = baseDir.resolve(rel).normalize();
        if (rel.isAbsolute() || !file.startsWith(baseDir.normalize()) || !insideByRealPath(file)) {
            throw YardException.badInput(source + ": tensor '" + tensor + "': external data location '" + location
                    + "' lies outside the model's folder");
        }
        ByteBuffer whole = mapped.computeIfAbsent(file, f -> map(tensor, location, f));
        long size = whole.capacity();
        long len = length < 0 ? size - offset : length;
        if (offset < 0 || offset > size || len < 0 || offset + len > size) {
            throw YardException.badInput(source + ": tensor '" + tensor + "': external data range [" + offset + ", "
                    + (offset + len) + ") lies outside '" + location + "' (" + size + " bytes)");
        }
        return whole.duplicate()
                .position((int) offset)
                .limit((int) (offset + len))
                .slice();
    }

    /**
     * Whether {@code file}, links followed, is still under the model's folder (links followed too):
     * a link in the folder must not let a model read, say, /etc/passwd into its weights. A file
     * that does not exist is left for {@link #map} to report.
     */
    private boolean insideByRealPath(Path file) {
        if (!Files.exists(file)) {
            return true;
        }
        try {
            return file.toRealPath().startsWith(baseDir.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private ByteBuffer map(String tensor, String location, Path file) {
        if (!Files.isRegularFile(file)) {
            throw YardException.badInput(source + ": tensor '" + tensor + "': external data file '" + location
                    + "' not found (looked for " + file + ")");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw YardException.badInput(
                        source + ": external data file '" + location + "' is over 2 GiB, which Yard cannot map yet");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        } catch (IOException e) {
            throw YardException.badInput(
                    source + ": tensor '" + tensor + "': cannot read external data file '" + location + "': "
                            + e.getMessage(),
                    e);
        }
    }
}
