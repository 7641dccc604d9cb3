package dev.yard.ir;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A digest of the code a class was loaded from (its jar's bytes, or every file under its class
 * folder): what results cached between runs are keyed by, so that a cache written by other
 * code is never read as if this code had written it.
 */
public final class CodeIdentity {
    private CodeIdentity() {}

    private static final Map<String, String> KNOWN = new ConcurrentHashMap<>();

    /** The digest of {@code type}'s code source as hex, or "unknown" when it cannot be read. */
    public static String of(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return "unknown";
        }
        return KNOWN.computeIfAbsent(source.getLocation().toString(), CodeIdentity::digest);
    }

    private static String digest(String location) {
        try {
            Path p = Path.of(new java.net.URI(location));
            if (!Files.isDirectory(p)) {
                return MoreFiles.asByteSource(p).hash(Hashing.sha256()).toString();
            }
            Hasher h = Hashing.sha256().newHasher();
            List<Path> files;
            try (Stream<Path> s = Files.walk(p)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                h.putString(p.relativize(f) + "\n", StandardCharsets.UTF_8);
                h.putBytes(MoreFiles.asByteSource(f).hash(Hashing.sha256()).asBytes());
            }
            return h.hash().toString();
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return "unknown";
        }
    }
}
