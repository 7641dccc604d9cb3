package dev.yard.backend.ort;

import dev.yard.ir.YardException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sampled rows gathered over many inputs, per stream (a layer, or one side of a layer's pairs),
 * held as floats (the activations they are read from are floats, so nothing is lost) and read
 * back in the order they came, as doubles. Streams are kept in memory while together they fit
 * in a budget; past it the largest ones go to files in a temporary folder, deleted on
 * {@link #close}, so that a large model's samples of every layer need not fit in the heap.
 */
final class SampleStore implements AutoCloseable {
    private static final class Stream {
        final List<float[]> chunks = new ArrayList<>();
        long memoryBytes;
        Path file;
        long values;
    }

    private final long memoryBudget;
    private final Map<Object, Stream> streams = new HashMap<>();
    private long memoryBytes;
    private Path folder;

    /** Keeps at most {@code memoryBudget} bytes of samples in memory. */
    SampleStore(long memoryBudget) {
        this.memoryBudget = Math.max(0, memoryBudget);
    }

    /** Appends rows (values that are floats, held as doubles) to stream {@code key}. */
    void append(Object key, double[] rows) {
        Stream s = streams.computeIfAbsent(key, k -> new Stream());
        float[] f = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            f[i] = (float) rows[i];
        }
        s.values += f.length;
        if (s.file != null) {
            write(s.file, List.of(f));
            return;
        }
        s.chunks.add(f);
        s.memoryBytes += 4L * f.length;
        memoryBytes += 4L * f.length;
        while (memoryBytes > memoryBudget) {
            Stream largest = streams.values().stream()
                    .filter(x -> x.file == null && x.memoryBytes > 0)
                    .max(Comparator.comparingLong(x -> x.memoryBytes))
                    .orElseThrow();
            spill(largest);
        }
    }

    /** Every row of stream {@code key} in the order appended, or null when it has none; then forgets it. */
    double[] take(Object key) {
        Stream s = streams.remove(key);
        if (s == null) {
            return null;
        }
        if (s.values > Integer.MAX_VALUE - 8) {
            throw new YardException("more calibration samples for one layer than an array holds", false);
        }
        double[] out = new double[(int) s.values];
        int at = 0;
        if (s.file != null) {
            try (FileChannel ch = FileChannel.open(s.file, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                while (at < out.length) {
                    b.clear();
                    b.limit((int) Math.min(b.capacity(), 4L * (out.length - at)));
                    while (b.hasRemaining()) {
                        if (ch.read(b) < 0) {
                            throw new IOException("calibration samples ended early");
                        }
                    }
                    b.flip();
                    while (b.hasRemaining()) {
                        out[at++] = b.getFloat();
                    }
                }
                Files.delete(s.file);
            } catch (IOException e) {
                throw new YardException("cannot read calibration samples back from " + s.file + ": " + e, false, e);
            }
        } else {
            for (float[] f : s.chunks) {
                for (float v : f) {
                    out[at++] = v;
                }
            }
            memoryBytes -= s.memoryBytes;
        }
        return out;
    }

    private void spill(Stream s) {
        try {
            if (folder == null) {
                folder = Files.createTempDirectory("yard-calibration-");
            }
            s.file = Files.createTempFile(folder, "samples-", ".f32");
        } catch (IOException e) {
            throw new YardException("cannot create a temporary file for calibration samples: " + e, false, e);
        }
        write(s.file, s.chunks);
        s.chunks.clear();
        memoryBytes -= s.memoryBytes;
        s.memoryBytes = 0;
    }

    private static void write(Path file, List<float[]> chunks) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] f : chunks) {
                int i = 0;
                while (i < f.length) {
                    b.clear();
                    while (i < f.length && b.remaining() >= 4) {
                        b.putFloat(f[i++]);
                    }
                    b.flip();
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            }
        } catch (IOException e) {
            throw new YardException("cannot write calibration samples to " + file + ": " + e, false, e);
        }
    }

    /** Deletes whatever went to disk. */
    @Override
    public void close() {
        streams.clear();
        memoryBytes = 0;
        if (folder == null) {
            return;
        }
        try (var files = Files.list(folder)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // A temporary folder left behind is the system's to clean; nothing else depends on it.
        }
    }
}
