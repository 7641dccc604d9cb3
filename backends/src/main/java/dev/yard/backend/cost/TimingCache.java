package dev.yard.backend.cost;

import dev.yard.ir.YardException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Measured latencies on disk, one file per measuring setup (runtime version, CPU, threads), so
 * each configuration is timed once per machine. The file is append-only, one
 * {@code seconds<TAB>key} line per configuration, each appended with one write under an
 * exclusive lock: concurrent Yard processes add lines, never interleave or truncate them, and
 * a torn last line (a process killed mid-write) is ignored on reading.
 */
final class TimingCache {
    /**
     * One monitor per cache file in this JVM: file locks are held per process, and a second
     * lock on the same file from this process would fail instead of waiting.
     */
    private static final Map<Path, Object> IN_PROCESS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path file;
    private final Object monitor;
    private final Map<String, Double> known = new HashMap<>();

    TimingCache(Path file) {
        this.file = file;
        this.monitor = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new Object());
        reload();
    }

    Path file() {
        return file;
    }

    /** The cached seconds of {@code key}, or null. */
    synchronized Double get(String key) {
        Double s = known.get(key);
        if (s == null) {
            reload(); // another process may have measured it meanwhile
            s = known.get(key);
        }
        return s;
    }

    /**
     * Records {@code seconds} for {@code key} and returns them as recorded (to the ten digits
     * the file keeps): the run that measures uses the value later runs will read, so that both
     * decide the same.
     */
    synchronized double put(String key, double seconds) {
        if (key.indexOf('\n') >= 0 || key.indexOf('\t') >= 0) {
            throw new IllegalArgumentException("bad cache key: " + key);
        }
        String value = String.format(Locale.ROOT, "%.9e", seconds);
        double kept = Double.parseDouble(value);
        known.put(key, kept);
        byte[] line = (value + "\t" + key + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            synchronized (monitor) {
                try (FileChannel ch = FileChannel.open(
                                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                        FileLock lock = ch.lock()) {
                    ByteBuffer b = ByteBuffer.wrap(line);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            }
        } catch (IOException e) {
            throw new YardException(file + ": cannot record a measured latency: " + e.getMessage(), false, e);
        }
        return kept;
    }

    private void reload() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        String text;
        synchronized (monitor) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new YardException(file + ": cannot read measured latencies: " + e.getMessage(), false, e);
            }
        }
        int end = text.lastIndexOf('\n'); // a line without its newline is being written, or torn
        for (String line : text.substring(0, end + 1).split("\n")) {
            int tab = line.indexOf('\t');
            if (tab <= 0) {
                continue;
            }
            try {
                known.put(line.substring(tab + 1), Double.parseDouble(line.substring(0, tab)));
            } catch (NumberFormatException e) {
                // a damaged line: measured again when asked for
            }
        }
    }
}
