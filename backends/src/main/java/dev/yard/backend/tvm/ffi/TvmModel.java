package dev.yard.backend.tvm.ffi;

import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A library that TVM built from a Relax module, loaded into a Relax virtual machine on the
 * CPU: {@link #run} calls its {@code main} on tensors, {@link #medianMillis} times it. The
 * parameters are bound into the library, so {@code main} takes only the model's inputs, in
 * the order of the graph's inputs.
 */
public final class TvmModel implements AutoCloseable {
    /** VM allocator kinds, as {@code vm_initialization} numbers them. */
    private static final long POOLED_ALLOCATOR = 2;

    private final Tvm tvm;
    private final TvmObject module;
    private final TvmObject vm;
    private final TvmObject main;

    private TvmModel(Tvm tvm, TvmObject module, TvmObject vm, TvmObject main) {
        this.tvm = tvm;
        this.module = module;
        this.vm = vm;
        this.main = main;
    }

    /** Loads {@code library} (made by {@code export_library}) and sets its VM up on the CPU. */
    public static TvmModel load(Tvm tvm, Path library) {
        if (!Files.isRegularFile(library)) {
            throw YardException.badInput(library + ": no such TVM library");
        }
        dev.yard.backend.tvm.TvmToolchain.checkRunnableHere(library);
        TvmObject module = (TvmObject) tvm.callGlobal(
                "ffi.ModuleLoadFromFile", library.toAbsolutePath().toString());
        try {
            TvmObject vm;
            try (TvmObject loadExecutable = function(tvm, module, "vm_load_executable", library)) {
                vm = (TvmObject) tvm.call(loadExecutable);
            }
            try (TvmObject init = function(tvm, vm, "vm_initialization", library)) {
                tvm.call(init, (long) Tvm.Device.CPU.type(), (long) Tvm.Device.CPU.id(), POOLED_ALLOCATOR);
            }
            return new TvmModel(tvm, module, vm, function(tvm, vm, "main", library));
        } catch (RuntimeException e) {
            module.close();
            throw e;
        }
    }

    private static TvmObject function(Tvm tvm, TvmObject module, String name, Path library) {
        Object f = tvm.callGlobal("ffi.ModuleGetFunction", module, name, Boolean.FALSE);
        if (!(f instanceof TvmObject fn)) {
            throw YardException.badInput(library + ": not a Relax VM library (no function " + name + ")");
        }
        return fn;
    }

    /** Runs {@code main} on {@code inputs} and returns its outputs in order. */
    public List<Tensor> run(List<Tensor> inputs) {
        List<TvmObject> args = toTvm(inputs);
        try {
            Object result = tvm.call(main, args.toArray());
            return outputs(result);
        } finally {
            args.forEach(TvmObject::close);
        }
    }

    private List<Tensor> outputs(Object result) {
        if (!(result instanceof TvmObject obj)) {
            throw new YardException("TVM main returned " + result + ", expected tensors", false);
        }
        try (obj) {
            if (obj.typeIndex() == CApi.TENSOR) {
                return List.of(tvm.toTensor(obj));
            }
            List<Tensor> out = new ArrayList<>();
            for (Object item : tvm.arrayItems(obj)) {
                try (TvmObject t = (TvmObject) item) {
                    out.add(tvm.toTensor(t));
                }
            }
            return out;
        }
    }

    private List<TvmObject> toTvm(List<Tensor> inputs) {
        List<TvmObject> args = new ArrayList<>();
        try {
            for (int i = 0; i < inputs.size(); i++) {
                args.add(tvm.tensor(inputs.get(i), "input " + i));
            }
        } catch (RuntimeException e) {
            args.forEach(TvmObject::close);
            throw e;
        }
        return args;
    }

    /**
     * Median wall time of one call of {@code main}, in milliseconds: {@code warmup} untimed
     * runs, then timed runs until {@code minRuns} are done and at least {@code minMillis} have
     * passed (at most {@code maxRuns}). Inputs are copied into TVM once, outside the timing.
     */
    public double medianMillis(List<Tensor> inputs, int warmup, int minRuns, int maxRuns, long minMillis) {
        List<TvmObject> args = toTvm(inputs);
        try {
            Object[] argv = args.toArray();
            for (int i = 0; i < warmup; i++) {
                release(tvm.call(main, argv));
            }
            List<Double> times = new ArrayList<>();
            long start = System.nanoTime();
            while (times.size() < maxRuns
                    && (times.size() < minRuns || (System.nanoTime() - start) / 1_000_000 < minMillis)) {
                long t0 = System.nanoTime();
                Object r = tvm.call(main, argv);
                times.add((System.nanoTime() - t0) / 1e6);
                release(r);
            }
            Collections.sort(times);
            return times.get(times.size() / 2);
        } finally {
            args.forEach(TvmObject::close);
        }
    }

    private static void release(Object o) {
        if (o instanceof TvmObject t) {
            t.close();
        }
    }

    /**
     * Library modules stay loaded for the life of the process. Freeing the last reference
     * unloads the shared library, and a later model in the same process crashed the JVM by
     * jumping into the unloaded code (seen once in the layer timer's test, after two layers
     * were built and run one after the other); a few loaded libraries cost little.
     */
    private static final List<TvmObject> LOADED_LIBRARIES = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void close() {
        main.close();
        vm.close();
        LOADED_LIBRARIES.add(module);
    }
}
