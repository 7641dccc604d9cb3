package dev.yard.ir.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A folder of cached files kept under a size: the least recently written go first. */
public final class CacheFolder {
    private CacheFolder() {}

    /**
     * Deletes the least recently written files of {@code folder} that {@code which} selects
     * until those left take at most {@code maxBytes}, never one of {@code keep}; returns how many
     * it deleted. Ties in time go by name, so the same folder is pruned the same way.
     */
    public static int prune(Path folder, Predicate<Path> which, long maxBytes, Collection<Path> keep)
            throws IOException {
        List<Path> files;
        try (var s = Files.list(folder)) {
            files = new ArrayList<>(s.filter(which).filter(Files::isRegularFile).toList());
        }
        Map<Path, Long> size = new HashMap<>();
        Map<Path, FileTime> written = new HashMap<>();
        long total = 0;
        for (Path p : files) {
            size.put(p, Files.size(p));
            written.put(p, Files.getLastModifiedTime(p));
            total += size.get(p);
        }
        files.sort(Comparator.comparing((Path p) -> written.get(p)).thenComparing(Path::toString));
        int deleted = 0;
        for (Path p : files) {
            if (total <= maxBytes) {
                break;
            }
            if (keep.contains(p)) {
                continue;
            }
            if (Files.deleteIfExists(p)) {
                deleted++;
            }
            total -= size.get(p);
        }
        return deleted;
    }
}
