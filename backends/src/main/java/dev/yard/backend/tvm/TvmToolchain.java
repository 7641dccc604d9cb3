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
import java.util.Map;
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
    private final Path records;

    private TvmToolchain(Path cache, Path records) {
        this.cache = cache;
        this.venv = cache.resolve("venv");
        this.records = records;
    }

    /**
     * This toolchain with its tuning records under {@code root} instead of the cache folder's
     * {@code tvm-tuning/} (e.g. records a team keeps in its repository).
     */
    public TvmToolchain withRecords(Path root) {
        return new TvmToolchain(cache, root);
    }

    /** The toolchain in the configured cache folder; an error saying how to create it if TVM is not installed. */
    public static TvmToolchain locate() {
        TvmToolchain t = new TvmToolchain(cacheDir(), cacheDir().resolve("tvm-tuning"));
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
     * A built library: its path, how many fused workloads (TIR functions) the module has and
     * how many of them got a tuned schedule from the target's records.
     */
    public record Built(Path library, int workloads, int tuned) {}

    /**
     * Writes {@code module} into {@code dir} and builds {@code dir/module.so} for {@code target}
     * (a JSON target such as {@code {"kind": "llvm", "mcpu": "core-avx2"}}, or {@link #HOST_TARGET}),
     * applying the records {@link #tune} left for that target. A library built before from the
     * same module, target and records is reused from the cache.
     */
    public Built build(RelaxModule module, Path dir, String targetOrName) {
        String target = resolveTarget(targetOrName);
        module.write(dir);
        Path lib = dir.resolve("module.so");
        Path database = tuningDatabase(target);
        Path cached = cache.resolve("tvm").resolve(key(module.digest(), target) + ".so");
        Path about = cached.resolveSibling(cached.getFileName() + ".workloads");
        try {
            if (!upToDate(cached, about, database)) {
                Files.createDirectories(cached.getParent());
                Path tmp = cached.resolveSibling(
                        cached.getFileName() + ".tmp" + ProcessHandle.current().pid() + ".so");
                List<String> printed = new ArrayList<>();
                runBuilder(
                        List.of(
                                "build",
                                dir.resolve(RelaxModule.SCRIPT_FILE).toString(),
                                dir.resolve(RelaxModule.PARAMS_INDEX).toString(),
                                target,
                                tmp.toString(),
                                "--database",
                                database.toString()),
                        Map.of(),
                        printed::add,
                        60);
                String counts = reported(printed, "workloads ");
                List<String> hashes = words(reported(printed, "workload-hashes"));
                String text = counts + "\nworkload-hashes " + String.join(" ", hashes) + "\nrecords "
                        + recordCounts(database, hashes) + "\n";
                Path aboutTmp = about.resolveSibling(
                        about.getFileName() + ".tmp" + ProcessHandle.current().pid());
                Files.writeString(aboutTmp, text);
                Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Files.move(aboutTmp, about, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Path tmp = lib.resolveSibling("module.so.tmp");
            Files.copy(cached, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            String[] w = Files.readAllLines(about).get(0).strip().split(" ");
            return new Built(lib, Integer.parseInt(w[1]), Integer.parseInt(w[3]));
        } catch (IOException | RuntimeException e) {
            if (e instanceof YardException y) {
                throw y;
            }
            throw new YardException("cannot store the TVM library: " + e.getMessage(), false, e);
        }
    }

    /** The line the builder printed starting with {@code prefix}. */
    private static String reported(List<String> printed, String prefix) {
        return printed.stream()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new YardException("the TVM builder did not report '" + prefix.strip() + "'", false));
    }

    /** The words of a line after its first. */
    private static List<String> words(String line) {
        String[] w = line.strip().split(" +");
        return List.of(w).subList(1, w.length);
    }

    /**
     * Whether the cached library was built with the records the target's database holds now
     * for the module's workloads: the records of other workloads (tuning other models) do not
     * make it stale, new records of its own do.
     */
    private static boolean upToDate(Path library, Path about, Path database) throws IOException {
        if (!Files.exists(library) || !Files.exists(about)) {
            return false;
        }
        List<String> lines = Files.readAllLines(about);
        if (lines.size() < 3
                || !lines.get(1).startsWith("workload-hashes")
                || !lines.get(2).startsWith("records")) {
            return false;
        }
        return lines.get(2).equals("records " + recordCounts(database, words(lines.get(1))));
    }

    /**
     * How many records the database holds for each of {@code hashes}, space-separated: its
     * workload file lists one {@code ["HASH", ...]} per line, its record file one {@code
     * [WORKLOAD_LINE, ...]} per line.
     */
    private static String recordCounts(Path database, List<String> hashes) throws IOException {
        Path workloadFile = database.resolve("database_workload.json");
        Path recordFile = database.resolve("database_tuning_record.json");
        int[] counts = new int[hashes.size()];
        if (Files.exists(workloadFile) && Files.exists(recordFile)) {
            Map<Integer, Integer> slot = new java.util.HashMap<>();
            try (java.io.BufferedReader r = Files.newBufferedReader(workloadFile, StandardCharsets.UTF_8)) {
                int index = 0;
                for (String line; (line = r.readLine()) != null; index++) {
                    int open = line.indexOf('"');
                    int close = open < 0 ? -1 : line.indexOf('"', open + 1);
                    if (close > open) {
                        int i = hashes.indexOf(line.substring(open + 1, close));
                        if (i >= 0) {
                            slot.put(index, i);
                        }
                    }
                }
            }
            try (java.io.BufferedReader r = Files.newBufferedReader(recordFile, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    int comma = line.indexOf(',');
                    if (line.startsWith("[") && comma > 1) {
                        try {
                            Integer i = slot.get(
                                    Integer.parseInt(line.substring(1, comma).strip()));
                            if (i != null) {
                                counts[i]++;
                            }
                        } catch (NumberFormatException e) {
                            // not a record line: MetaSchedule writes nothing else, a torn line counts as none
                        }
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int c : counts) {
            sb.append(sb.isEmpty() ? "" : " ").append(c);
        }
        return sb.toString();
    }

    /**
     * The folder of MetaSchedule's tuning records for a target (resolved by {@link
     * #resolveTarget}): one per target, CPU model and TVM release, shared by every model built
     * for it. Records measured on one CPU or by one TVM release are never applied to another.
     */
    public Path tuningDatabase(String target) {
        String key = target + "\n" + cpuModel() + "\n" + tvmRelease();
        return records.resolve(sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 24));
    }

    /** The pinned TVM packages of the Python environment (the requirements it was made from). */
    private String tvmRelease() {
        try {
            Path stamp = venv.resolve(".requirements");
            return Files.exists(stamp)
                    ? Files.readAllLines(stamp).stream()
                            .filter(l -> l.startsWith("apache-tvm"))
                            .reduce("", (a, b) -> a + b + ";")
                    : "";
        } catch (IOException e) {
            throw new YardException("cannot read " + venv.resolve(".requirements") + ": " + e.getMessage(), false, e);
        }
    }

    /** How {@link #tune} spends its effort. */
    public record TuneOptions(int trials, Double timeBudgetSeconds, int threads, int seed) {
        public TuneOptions {
            if (trials < 1) {
                throw YardException.badInput("--trials must be at least 1, got " + trials);
            }
            if (timeBudgetSeconds != null && !(timeBudgetSeconds > 0)) {
                throw YardException.badInput("--time-budget must be positive");
            }
            if (threads < 1) {
                throw YardException.badInput("--threads must be at least 1, got " + threads);
            }
        }
    }

    /** One fused workload of a tuned model. */
    public record TunedWorkload(
            String name, double flops, int weight, int planned, int before, int trials, Double bestSeconds) {}

    /** What {@link #tune} did: every workload, largest first, and where the records are. */
    public record TuneSummary(List<TunedWorkload> workloads, double seconds, boolean stoppedByTime, Path database) {}

    /**
     * Tunes the fused workloads of {@code module} with MetaSchedule on this host for {@code
     * target}, adding the records to {@link #tuningDatabase}: each workload gets trials in
     * proportion to its share of the model's FLOPs (at least 8), the largest first, counting
     * the records it already has, so a second run resumes where the first stopped. {@code
     * progress} receives (trials done, trials planned).
     */
    public TuneSummary tune(
            RelaxModule module,
            Path dir,
            String targetOrName,
            TuneOptions options,
            java.util.function.BiConsumer<Integer, Integer> progress) {
        String target = resolveTarget(targetOrName);
        String foreign = foreignArchitecture(target);
        if (foreign != null) {
            throw YardException.badInput("--target " + targetOrName + " is a target for " + foreign
                    + ": tuning measures schedules on this host, so its target must run here");
        }
        module.write(dir);
        Path database = tuningDatabase(target);
        Path summary = dir.resolve("tuning.json");
        List<String> args = new ArrayList<>(List.of(
                "tune",
                dir.resolve(RelaxModule.SCRIPT_FILE).toString(),
                dir.resolve(RelaxModule.PARAMS_INDEX).toString(),
                target,
                "--database",
                database.toString(),
                "--summary",
                summary.toString(),
                "--trials",
                Integer.toString(options.trials()),
                "--threads",
                Integer.toString(options.threads()),
                "--seed",
                Integer.toString(options.seed())));
        if (options.timeBudgetSeconds() != null) {
            args.addAll(List.of("--time-budget", Double.toString(options.timeBudgetSeconds())));
        }
        try {
            Files.createDirectories(database);
            Path about = database.resolve("target.json");
            if (!Files.exists(about)) {
                Files.writeString(about, target + "\n" + cpuModel() + "\n" + tvmRelease() + "\n");
            }
        } catch (IOException e) {
            throw new YardException("cannot create " + database + ": " + e.getMessage(), false, e);
        }
        runBuilder(
                args,
                Map.of("TVM_NUM_THREADS", Integer.toString(options.threads())),
                line -> {
                    String[] w = line.split(" ");
                    if (w.length == 3 && w[0].equals("progress")) {
                        progress.accept(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
                    }
                },
                24 * 60);
        try {
            com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(Files.readString(summary))
                    .getAsJsonObject();
            List<TunedWorkload> workloads = new ArrayList<>();
            for (com.google.gson.JsonElement e : o.getAsJsonArray("workloads")) {
                com.google.gson.JsonObject w = e.getAsJsonObject();
                workloads.add(new TunedWorkload(
                        w.get("name").getAsString(),
                        w.get("flops").getAsDouble(),
                        w.get("weight").getAsInt(),
                        w.get("planned").getAsInt(),
                        w.get("before").getAsInt(),
                        w.get("trials").getAsInt(),
                        w.get("best_seconds").isJsonNull()
                                ? null
                                : w.get("best_seconds").getAsDouble()));
            }
            return new TuneSummary(
                    List.copyOf(workloads),
                    o.get("seconds").getAsDouble(),
                    o.get("stopped_by_time").getAsBoolean(),
                    database);
        } catch (IOException | RuntimeException e) {
            throw new YardException("cannot read the tuning summary " + summary + ": " + e.getMessage(), false, e);
        }
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
        runBuilder(List.of("check", dir.resolve(RelaxModule.SCRIPT_FILE).toString()), Map.of(), line -> {}, 5);
    }

    /**
     * Runs the builder script; each line it prints goes to {@code lines}, and a failure is
     * reported with what it printed on stderr (bad input when it exits with 2).
     */
    private void runBuilder(
            List<String> args,
            Map<String, String> env,
            java.util.function.Consumer<String> lines,
            long timeoutMinutes) {
        List<String> cmd =
                new ArrayList<>(List.of(python().toString(), builderScript().toString()));
        cmd.addAll(args);
        Path errors = null;
        try {
            errors = Files.createTempFile("yard-tvm-builder", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errors.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            try (java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.accept(line);
                }
            }
            if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new YardException("TVM builder timed out after " + timeoutMinutes + " min", false);
            }
            if (p.exitValue() != 0) {
                String text = Files.readString(errors).strip();
                throw new YardException(
                        "TVM builder failed: "
                                + (text.isEmpty() ? "exit code " + p.exitValue() + " and no message (killed?)" : text),
                        p.exitValue() == 2);
            }
        } catch (IOException e) {
            throw new YardException("cannot run the TVM builder: " + e.getMessage(), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new YardException("interrupted while building with TVM", false, e);
        } finally {
            if (errors != null) {
                try {
                    Files.deleteIfExists(errors);
                } catch (IOException e) {
                    // a temporary file left behind is harmless
                }
            }
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
        String builder;
        try (InputStream in = TvmToolchain.class.getResourceAsStream(BUILDER)) {
            builder = sha256(in.readAllBytes());
        } catch (IOException e) {
            throw new YardException("cannot read the TVM builder script: " + e.getMessage(), false, e);
        }
        String all = moduleDigest + "\n" + target + "\n" + cpuModel() + "\n" + builder + "\n" + tvmRelease();
        return sha256(all.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    }

    /**
     * This host's CPU model ({@code /proc/cpuinfo}), or "" where it cannot be read: keys then
     * only distinguish targets, still correct for explicit targets.
     */
    private static String cpuModel() {
        return CpuModel.NAME;
    }

    /** Read once per process: every build and every records lookup keys on it. */
    private static final class CpuModel {
        static final String NAME = read();

        private static String read() {
            try {
                return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name"))
                        .findFirst()
                        .orElse("");
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
    }

    /** Deletes a scratch folder a module was written into; one left behind is harmless. */
    public static void deleteScratch(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
