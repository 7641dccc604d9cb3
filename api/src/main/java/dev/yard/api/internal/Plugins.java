package dev.yard.api.internal;

import dev.yard.ir.YardException;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * Jars of third-party extensions (cost models today), given with {@code --plugin JAR} and in
 * {@code YARD_PLUGINS} (paths separated as in a class path): a class loader over them, whose
 * {@code META-INF/services} entries {@link java.util.ServiceLoader} finds beside Yard's own.
 */
public final class Plugins {
    /** The environment variable listing plugin jars. */
    public static final String ENVIRONMENT = "YARD_PLUGINS";

    private Plugins() {}

    /** A loader over the jars of {@code YARD_PLUGINS} and {@code jars}, checked to be readable jars. */
    public static ClassLoader loader(List<Path> jars) {
        List<Path> all = new ArrayList<>();
        String env = System.getenv(ENVIRONMENT);
        if (env != null && !env.isBlank()) {
            for (String p : env.split(File.pathSeparator)) {
                if (!p.isBlank()) {
                    all.add(Path.of(p.trim()));
                }
            }
        }
        all.addAll(jars);
        ClassLoader parent = Plugins.class.getClassLoader();
        if (all.isEmpty()) {
            return parent;
        }
        URL[] urls = new URL[all.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = checked(all.get(i));
        }
        return new URLClassLoader("yard-plugins", urls, parent);
    }

    private static URL checked(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw YardException.badInput(jar + ": plugin jar not found");
        }
        try (JarFile j = new JarFile(jar.toFile())) {
            j.size();
        } catch (IOException e) {
            throw YardException.badInput(jar + ": not a jar (" + e.getMessage() + ")", e);
        }
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw YardException.badInput(jar + ": not a usable path: " + e.getMessage(), e);
        }
    }
}
