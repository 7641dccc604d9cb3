package dev.yard.backend.tvm;

import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.backend.tvm.ffi.Tvm;
import dev.yard.ir.YardException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where TVM lives for Yard: the Python environment that {@code scripts/setup-env} creates in
 * the cache folder ({@code yard.cache} system property, else {@code $YARD_CACHE}, else
 * {@code ~/.cache/yard}). It runs Yard's builder script there to compile emitted modules,
 * caches the built libraries by a digest of module and target, and loads the runtime.
 */
public final class TvmToolchain {
    /** TVM's host CPU target; the builder resolves it to {@code {"kind": "llvm", "mcpu": <this CPU>}}. */
    public static final String HOST_TARGET = "host";

    private static final String BUILDER = "yard_tvm_build.py";

    private final Path cache;
    private final Path venv;

    private TvmToolchain(Path cache) {
        this.cache = cache;
        this.venv = cache.resolve("venv");
    }

    /** The toolchain in the configured cache folder; an error saying how to create it if TVM is not installed. */
    public static TvmToolchain locate() {
        TvmToolchain t = new TvmToolchain(cacheDir());
        if (!Files.isExecutable(t.python())) {
            throw YardException.badInput("no Python environment at " + t.venv + ": create it with scripts/setup-env");
        }
        return t;
    }

    public static Path cacheDir() {
        String p = System.getProperty("yard.cache");
        if (p == null || p.isBlank()) {
            p = System.getenv("YARD_CACHE");
        }
        return p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "yard");
    }

    public Path python() {
        return venv.resolve("bin/python");
    }

    /** TVM's runtime in this process. */
    public Tvm runtime() {
        return Tvm.load(venv);
    }

    /**
     * Writes {@code module} into {@code dir} and builds {@code dir/module.so} for {@code target}
     * (a JSON target such as {@code {"kind": "llvm", "mcpu": "core-avx2"}}, or {@link #HOST_TARGET}).
     * A library built before from the same module and target is reused from the cache.
     */
    public Path build(RelaxModule module, Path dir, String targetOrName) {
        String target = resolveTarget(targetOrName);
        module.write(dir);
        Path lib = dir.resolve("module.so");
        Path cached = cache.resolve("tvm").resolve(key(module.digest(), target) + ".so");
        try {
            if (!Files.exists(cached)) {
                Files.createDirectories(cached.getParent());
                Path tmp = cached.resolveSibling(
                        cached.getFileName() + ".tmp" + ProcessHandle.current().pid() + ".so");
                runBuilder(
                        List.of(
                                dir.resolve(RelaxModule.SCRIPT_FILE).toString(),
                                dir.resolve(RelaxModule.PARAMS_INDEX).toString(),
                                target,
                                tmp.toString()),
                        60);
                Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Path tmp = lib.resolveSibling("module.so.tmp");
            Files.copy(cached, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new YardException("cannot store the TVM library: " + e.getMessage(), false, e);
        }
        return lib;
    }

    /** The built-in targets by name, each a JSON file of {@code targets/} beside this class. */
    public static final List<String> NAMED_TARGETS = List.of("x86-64-avx2", "x86-64-avx512", "arm64-cortex-a76");

    /**
     * {@link #HOST_TARGET}, a JSON target as given, or the JSON of a built-in target's name;
     * anything else is bad input (see {@link #checkTarget}).
     */
    public static String resolveTarget(String target) {
        if (NAMED_TARGETS.contains(target)) {
            try (InputStream in = TvmToolchain.class.getResourceAsStream("targets/" + target + ".json")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (IOException | NullPointerException e) {
                throw new YardException("the built-in target " + target + " is missing from the class path", false, e);
            }
        }
        checkTarget(target);
        return target;
    }

    /**
     * Refuses, as bad input, a library built for another architecture than this host's (an
     * ELF of another machine), naming both: it can be deployed, not loaded here.
     */
    public static void checkRunnableHere(Path library) {
        int machine;
        try (InputStream in = Files.newInputStream(library)) {
            byte[] h = in.readNBytes(20);
            if (h.length < 20 || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
                return; // not ELF: TVM's loader says what it is
            }
            machine = (h[18] & 0xff) | (h[19] & 0xff) << 8;
        } catch (IOException e) {
            throw YardException.badInput(library + ": cannot read: " + e.getMessage(), e);
        }
        int here = elfMachine(System.getProperty("os.arch"));
        if (here != 0 && machine != here) {
            throw YardException.badInput(library + ": built for " + architecture(machine) + ", this host runs "
                    + architecture(here) + " (deploy it there)");
        }
    }

    /**
     * The architecture a JSON target's {@code mtriple} names when it is not this host's (e.g.
     * {@code aarch64}), else null: libraries built for it are deployed, not run here.
     */
    public static String foreignArchitecture(String target) {
        if (HOST_TARGET.equals(target)) {
            return null;
        }
        com.google.gson.JsonObject o =
                com.google.gson.JsonParser.parseString(target).getAsJsonObject();
        if (!o.has("mtriple") || !o.get("mtriple").isJsonPrimitive()) {
            return null;
        }
        String arch = o.get("mtriple").getAsString().split("-", 2)[0];
        String here = System.getProperty("os.arch");
        boolean same = arch.equals(here)
                || (arch.equals("x86_64") && here.equals("amd64"))
                || (arch.equals("aarch64") && here.equals("arm64"));
        return same ? null : arch;
    }

    /** The ELF machine number of a Java {@code os.arch}, 0 when unknown. */
    static int elfMachine(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> 62;
            case "aarch64", "arm64" -> 183;
            default -> 0;
        };
    }

    /** A readable name of an ELF machine number. */
    public static String architecture(int machine) {
        return switch (machine) {
            case 62 -> "x86-64";
            case 183 -> "AArch64";
            case 40 -> "32-bit Arm";
            case 243 -> "RISC-V";
            default -> "ELF machine " + machine;
        };
    }

    /**
     * Refuses, as bad input, a target that is neither {@link #HOST_TARGET} nor a JSON object with
     * a string {@code kind} (what TVM then makes of the kind and the other keys, it says itself).
     */
    public static void checkTarget(String target) {
        if (HOST_TARGET.equals(target)) {
            return;
        }
        com.google.gson.JsonElement json;
        try {
            json = com.google.gson.JsonParser.parseString(target);
        } catch (com.google.gson.JsonParseException e) {
            throw YardException.badInput("--target " + target + ": not JSON ("
                    + YardException.oneLine(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + ")");
        }
        if (!json.isJsonObject()
                || !json.getAsJsonObject().has("kind")
                || !json.getAsJsonObject().get("kind").isJsonPrimitive()
                || !json.getAsJsonObject().get("kind").getAsJsonPrimitive().isString()) {
            throw YardException.badInput("--target " + target + ": expected 'host', a built-in target ("
                    + String.join(", ", NAMED_TARGETS) + ") or a JSON object with a string "
                    + "\"kind\", e.g. {\"kind\": \"llvm\", \"mcpu\": \"core-avx2\"}");
        }
    }

    /**
     * Parses {@code dir/module.py} with TVM, prints it back and parses again: fails with TVM's
     * message unless both parse and the two modules are structurally equal.
     */
    public void check(Path dir) {
        runBuilder(
                List.of(
                        dir.resolve(RelaxModule.SCRIPT_FILE).toString(),
                        dir.resolve(RelaxModule.PARAMS_INDEX).toString(),
                        "{}",
                        "-",
                        "--check-only"),
                5);
    }

    private void runBuilder(List<String> args, long timeoutMinutes) {
        List<String> cmd =
                new ArrayList<>(List.of(python().toString(), builderScript().toString()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new YardException("TVM builder timed out after " + timeoutMinutes + " min", false);
            }
            if (p.exitValue() != 0) {
                String text = new String(out, StandardCharsets.UTF_8).strip();
                throw new YardException("TVM builder failed: " + text, p.exitValue() == 2);
            }
        } catch (IOException e) {
            throw new YardException("cannot run the TVM builder: " + e.getMessage(), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new YardException("interrupted while building with TVM", false, e);
        }
    }

    /** The builder script, copied from the classpath into the cache under a name that changes with its content. */
    private Path builderScript() {
        try (InputStream in = TvmToolchain.class.getResourceAsStream(BUILDER)) {
            byte[] text = in.readAllBytes();
            Path script = cache.resolve("tvm")
                    .resolve("yard_tvm_build-" + sha256(text).substring(0, 12) + ".py");
            if (!Files.exists(script)) {
                Files.createDirectories(script.getParent());
                Path tmp = script.resolveSibling(
                        script.getFileName() + ".tmp" + ProcessHandle.current().pid());
                Files.write(tmp, text);
                Files.move(tmp, script, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return script;
        } catch (IOException e) {
            throw new YardException("cannot install the TVM builder script: " + e.getMessage(), false, e);
        }
    }

    private String key(String moduleDigest, String target) {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .orElse("");
        } catch (IOException | RuntimeException e) {
            // No /proc/cpuinfo: the key then only distinguishes targets, which is still correct
            // for explicit targets; "host" builds are merely shared across machines.
        }
        String builder;
        try (InputStream in = TvmToolchain.class.getResourceAsStream(BUILDER)) {
            builder = sha256(in.readAllBytes());
        } catch (IOException e) {
            throw new YardException("cannot read the TVM builder script: " + e.getMessage(), false, e);
        }
        return sha256((moduleDigest + "\n" + target + "\n" + cpu + "\n" + builder).getBytes(StandardCharsets.UTF_8))
                .substring(0, 32);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
