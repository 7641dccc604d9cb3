package dev.yard.maven;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoFailureException;

/** The models of a folder matched by include and exclude globs, sorted, relative to the folder. */
final class ModelFiles {
    private ModelFiles() {}

    static List<Path> list(Path folder, List<String> includes, List<String> excludes) throws MojoFailureException {
        if (!Files.isDirectory(folder)) {
            throw new MojoFailureException("yard: modelDirectory " + folder + " is not a folder");
        }
        FileSystem fs = folder.getFileSystem();
        List<PathMatcher> in =
                includes.stream().map(g -> fs.getPathMatcher("glob:" + g)).toList();
        List<PathMatcher> out =
                excludes.stream().map(g -> fs.getPathMatcher("glob:" + g)).toList();
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile)
                    .map(folder::relativize)
                    .filter(p -> matches(in, p) && !matches(out, p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new MojoFailureException("yard: cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Whether a glob matches the path; {@code **}{@code /*.onnx} matches at the top level too. */
    private static boolean matches(List<PathMatcher> globs, Path relative) {
        return globs.stream().anyMatch(g -> g.matches(relative) || g.matches(Path.of("_", relative.toString())));
    }
}
