package dev.yard.ir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (Files.isDirectory(p)) {
                List<Path> files;
                try (Stream<Path> s = Files.walk(p)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : files) {
                    md.update((p.relativize(f) + "\n").getBytes(StandardCharsets.UTF_8));
                    feed(md, f);
                }
            } else {
                feed(md, p);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | URISyntaxException | NoSuchAlgorithmException | IllegalArgumentException e) {
            return "unknown";
        }
    }

    private static void feed(MessageDigest md, Path f) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
    }
}
