package dev.yard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.yard.api.internal.Models;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input must end with exit code 2, one line naming the file and the problem, and no
 * output written (an existing output stays as it was).
 */
@Timeout(60)
class BadInputTest {
    @TempDir
    Path dir;

    record Outcome(int exit, String out, String err) {}

    static Outcome yard(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString(), err.toString());
    }

    private void assertRefused(Path model, String... expectedWords) throws IOException {
        Path out = dir.resolve("out.onnx");
        byte[] previous = {1, 2, 3};
        Files.write(out, previous);
        Outcome o = yard("convert", model.toString(), "-o", out.toString());
        assertEquals(2, o.exit(), o.err());
        List<String> lines = o.err().strip().lines().toList();
        assertEquals(1, lines.size(), "one line expected, got: " + o.err());
        String line = lines.get(0);
        assertTrue(line.contains(model.toString()), "names the file: " + line);
        for (String w : expectedWords) {
            assertTrue(line.toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT)), "says '" + w + "': " + line);
        }
        assertTrue(Arrays.equals(previous, Files.readAllBytes(out)), "the old output was touched");
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a temporary file was left");
        }
    }

    private static byte[] lenet() throws IOException {
        try (InputStream in = BadInputTest.class.getClassLoader().getResourceAsStream(Models.DEFAULT_MODEL_RESOURCE)) {
            return in.readAllBytes();
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static OnnxMl.ValueInfoProto floatInput(String name) {
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1)))
                .build();
    }

    private static OnnxMl.NodeProto relu(String in, String out) {
        return OnnxMl.NodeProto.newBuilder()
                .setOpType("Relu")
                .setName("relu_" + out)
                .addInput(in)
                .addOutput(out)
                .build();
    }

    private static OnnxMl.ModelProto model(OnnxMl.GraphProto.Builder g) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g.setName("g"))
                .build();
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] m = lenet();
        assertRefused(write("truncated.onnx", Arrays.copyOf(m, m.length / 2)), "not a valid ONNX model");
    }

    @Test
    void fileThatIsNotOnnx() throws IOException {
        assertRefused(
                write("text.onnx", "this is a text file, not a model\n".getBytes(StandardCharsets.UTF_8)), "onnx");
        byte[] noise = new byte[4096];
        new SplittableRandom(7).nextBytes(noise);
        assertRefused(write("noise.onnx", noise), "onnx");
        assertRefused(write("empty.onnx", new byte[0]), "empty");
    }

    @Test
    void graphWithCycle() throws IOException {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .addInput(floatInput("x"))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Add")
                        .setName("a")
                        .addInput("x")
                        .addInput("c")
                        .addOutput("b"))
                .addNode(relu("b", "c"))
                .addOutput(floatInput("c"));
        assertRefused(write("cycle.onnx", model(g).toByteArray()), "cycle", "node");
    }

    @Test
    void useOfUndefinedValue() throws IOException {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .addInput(floatInput("x"))
                .addNode(relu("nowhere", "y"))
                .addOutput(floatInput("y"));
        assertRefused(write("undefined.onnx", model(g).toByteArray()), "'nowhere'", "relu_y");
    }

    @Test
    void missingExternalDataFile() throws IOException {
        OnnxMl.TensorProto w = OnnxMl.TensorProto.newBuilder()
                .setName("w")
                .setDataType(1)
                .addDims(4)
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("location")
                        .setValue("weights.bin"))
                .build();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .addInput(floatInput("x"))
                .addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Add")
                        .addInput("x")
                        .addInput("w")
                        .addOutput("y"))
                .addOutput(floatInput("y"));
        assertRefused(write("external.onnx", model(g).toByteArray()), "weights.bin", "not found");
    }

    @Test
    void externalDataCannotEscapeThroughALinkOrANegativeLength() throws IOException {
        Path secret = Files.writeString(
                Files.createDirectories(dir.resolve("elsewhere")).resolve("secret.bin"), "0123456789abcdef");
        Path folder = Files.createDirectories(dir.resolve("model"));
        Files.createSymbolicLink(folder.resolve("link.bin"), secret);
        for (String[] c : new String[][] {
            {"link.bin", null, "lies outside the model's folder"},
            {"../elsewhere/secret.bin", null, "lies outside the model's folder"},
            {"weights.bin", "-5", "negative external data length -5"}
        }) {
            Files.write(folder.resolve("weights.bin"), new byte[16]);
            OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder()
                    .setName("w")
                    .setDataType(1)
                    .addDims(4)
                    .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(OnnxMl.StringStringEntryProto.newBuilder()
                            .setKey("location")
                            .setValue(c[0]));
            if (c[1] != null) {
                w.addExternalData(OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("length")
                        .setValue(c[1]));
            }
            OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                    .addInput(floatInput("x"))
                    .addInitializer(w)
                    .addNode(OnnxMl.NodeProto.newBuilder()
                            .setOpType("Add")
                            .addInput("x")
                            .addInput("w")
                            .addOutput("y"))
                    .addOutput(floatInput("y"));
            Path m = folder.resolve("m.onnx");
            Files.write(m, model(g).toByteArray());
            assertRefused(m, c[2]);
        }
    }

    @Test
    void initializersTooLargeForTheirDataAreBadInput() throws IOException {
        // Once an integer overflow (exit 1), a long overflow, and "needs 0 bytes, got 16".
        Object[][] cases = {
            {new long[] {1L << 31}, null, "no raw or external data"},
            {new long[] {1L << 40, 1L << 40, 1L << 40}, null, "more than 2^63 elements"},
            {new long[] {1L << 31, 1L << 31}, new byte[16], "larger than any file can hold"}
        };
        int i = 0;
        for (Object[] c : cases) {
            OnnxMl.TensorProto.Builder w =
                    OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1);
            for (long d : (long[]) c[0]) {
                w.addDims(d);
            }
            if (c[1] != null) {
                w.setRawData(ByteString.copyFrom((byte[]) c[1]));
            }
            OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                    .addInput(floatInput("x"))
                    .addInitializer(w)
                    .addNode(relu("x", "y"))
                    .addOutput(floatInput("y"));
            assertRefused(write("huge" + (i++) + ".onnx", model(g).toByteArray()), "tensor 'w'", (String) c[2]);
        }
    }

    @Test
    void unknownElementType() throws IOException {
        OnnxMl.TensorProto w = OnnxMl.TensorProto.newBuilder()
                .setName("w")
                .setDataType(99)
                .addDims(1)
                .setRawData(ByteString.copyFrom(new byte[4]))
                .build();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .addInput(floatInput("x"))
                .addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Add")
                        .addInput("x")
                        .addInput("w")
                        .addOutput("y"))
                .addOutput(floatInput("y"));
        assertRefused(write("elemtype.onnx", model(g).toByteArray()), "unknown element type 99");
    }

    @Test
    void missingInputFileAndUnknownExtension() throws IOException {
        assertRefused(dir.resolve("absent.onnx"), "no such file");
        assertRefused(write("model.pb", lenet()), "unknown model format");
    }

    @Test
    void aDeviceIsNotAModel() throws IOException {
        // /dev/zero under a model's name: it has no size (once reported as an empty file) and
        // reading it as text would never end.
        for (String name : new String[] {"zero.onnx", "zero.onnxtxt"}) {
            Path link = Files.createSymbolicLink(dir.resolve(name), Path.of("/dev/zero"));
            assertRefused(link, "not a regular file");
        }
    }

    @Test
    void textWithSyntaxErrorNamesLineAndColumn() throws IOException {
        Path bad = write(
                "bad.onnxtxt",
                ("<ir_version: 8, opset_import: [\"\" : 17]>\n"
                                + "g (float[2] x) => (float[2] y) {\n   y = Relu (x\n}\n")
                        .getBytes(StandardCharsets.UTF_8));
        assertRefused(bad, ":4:");
        assertRefused(write("latin1.onnxtxt", new byte[] {(byte) 0xe9, 'x'}), "not utf-8");
    }

    @Test
    void compactTextCannotBecomeAModel() throws IOException {
        Path in = write("lenet.onnx", lenet());
        Path compact = dir.resolve("lenet.onnxtxt");
        assertEquals(
                0,
                yard("convert", in.toString(), "-o", compact.toString(), "--compact")
                        .exit());
        assertRefused(compact, "digest");
    }

    @Test
    void badPipelinePointsAtTheColumn() throws IOException {
        Outcome o = yard("optimize", "--no-measure", "--pipeline", "dce,nosuchpass");
        assertEquals(2, o.exit(), o.err());
        assertTrue(o.err().contains("column 5: unknown pass 'nosuchpass'"), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, yard("convert").exit());
        assertEquals(2, yard("no-such-command").exit());
    }

    @Test
    void unwritableOutputIsReported() throws IOException {
        Path in = write("lenet.onnx", lenet());
        Outcome o = yard(
                "convert",
                in.toString(),
                "-o",
                dir.resolve("missing/dir/out.onnx").toString());
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("does not exist"), o.err());
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String[] command : new String[][] {
            {"optimize"}, {"inspect"}, {"cost"}, {"convert"}, {"emit-tvm"}, {"tune"}, {"run"}, {"target", "probe"}
        }) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            Outcome o = yard(args);
            assertEquals(0, o.exit(), String.join(" ", args) + ": " + o.err());
            assertTrue(o.out().startsWith("Usage: yard " + String.join(" ", command)), o.out());
        }
    }

    @Test
    void tuneRefusesBadBudgetsAndTargetsItCannotMeasureInOneLine() throws IOException {
        Path model = dir.resolve("relu.onnxtxt");
        Files.writeString(model, """
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[1,4] x) => (float[1,4] y) {
                   y = Relu (x)
                }
                """);
        String[][] cases = {
            {"--time-budget", "soon", "--time-budget soon: expected a positive duration"},
            {"--time-budget", "-5m", "--time-budget -5m: expected a positive duration"},
            {"--trials", "0", "--trials must be at least 1"},
            {"--threads", "0", "--threads must be at least 1"},
            {"--target", "arm64-cortex-a76", "is a target for aarch64: tuning measures schedules on this host"},
            {"--target", "llvm", "--target llvm: expected 'host', a built-in target"},
        };
        for (String[] c : cases) {
            Outcome o = yard(
                    "tune",
                    model.toString(),
                    c[0],
                    c[1],
                    "--records",
                    dir.resolve("records").toString());
            assertEquals(2, o.exit(), String.join(" ", c) + ": " + o.err());
            assertEquals(1, o.err().strip().lines().count(), o.err());
            assertTrue(o.err().contains(c[2]), o.err());
        }
        assertFalse(Files.exists(dir.resolve("records")), "a refused run leaves no records");
    }

    @Test
    void inputShapesAreCheckedBeforeAnyWork() {
        String[][] cases = {
            {"input_image=-1,1,28,28", "every dimension must be at least 1"},
            {"input_image=100000,1,28,28000", "elements in one input"},
            {"input_image=a,b", "expected comma-separated integers"},
            {"x=1,1,28,28", "has no input of that name (inputs: input_image)"},
        };
        for (String command : new String[] {"optimize", "cost"}) {
            for (String[] c : cases) {
                Outcome o = yard(command, "--input-shape", c[0]);
                assertEquals(2, o.exit(), command + " " + c[0] + ": " + o.err());
                assertEquals(1, o.err().strip().lines().count(), o.err());
                assertTrue(o.err().contains(c[1]), o.err());
            }
        }
    }

    @Test
    void aMissingRunInputIsBadInput() throws Exception {
        Path model = TestEnvironment.materialize(dir, "cls", "classpath:models/ch_ppocr_mobile_v2.0_cls_infer.onnx");
        Outcome o = yard(
                "run",
                model.toString(),
                "--backend",
                "ort",
                "--input-shape",
                "x=1,3,48,192",
                "--input",
                "/no/such/input.bin");
        assertEquals(2, o.exit(), o.err());
        assertEquals("yard: /no/such/input.bin: no such file", o.err().strip());
    }

    @Test
    void modelsOnnxRuntimeRefusesAreBadInputNamingTheFile() throws IOException {
        // Verifies, but cannot run: 6 elements reshaped to 16.
        OnnxMl.TensorProto shape = OnnxMl.TensorProto.newBuilder()
                .setName("s")
                .setDataType(7)
                .addDims(2)
                .addInt64Data(4)
                .addInt64Data(4)
                .build();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .addInput(floatInput("x"))
                .addInitializer(shape)
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Reshape")
                        .addInput("x")
                        .addInput("s")
                        .addOutput("y"))
                .addOutput(floatInput("y"));
        Path m = write("reshape.onnx", model(g).toByteArray());
        Outcome o = yard("optimize", m.toString(), "--input-shape", "x=2,3");
        assertEquals(2, o.exit(), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().startsWith("yard: " + m + ": ONNX Runtime failed to run the model"), o.err());
        assertFalse(o.err().contains("\u001b["), "no colour codes from ONNX Runtime's log: " + o.err());
        // Without measuring, rank selection still runs the model: checked first all the same.
        Outcome quiet = yard("optimize", m.toString(), "--input-shape", "x=2,3", "--no-measure");
        assertEquals(2, quiet.exit(), quiet.err());
        assertTrue(quiet.err().startsWith("yard: " + m + ": ONNX Runtime failed to run the model"), quiet.err());
        // run says it the same way (it once gave exit 1 and named no file).
        Outcome r = yard("run", m.toString(), "--backend", "ort", "--input-shape", "x=2,3");
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("yard: " + m + ": ONNX Runtime failed to run the model"), r.err());
    }

    @Test
    void modelsWithBooleanOrIntegerInputsAreRunOnInputsOfTheirTypes() throws IOException {
        // y = where(c, x, 0) + float(k): inputs of three types, all fed by the seeded inputs.
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .addInput(floatInput("x"))
                .addInput(typedInput("c", 9))
                .addInput(typedInput("k", 7))
                .addInitializer(OnnxMl.TensorProto.newBuilder()
                        .setName("zero")
                        .setDataType(1)
                        .addFloatData(0))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Where")
                        .addInput("c")
                        .addInput("x")
                        .addInput("zero")
                        .addOutput("w"))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Cast")
                        .addInput("k")
                        .addOutput("kf")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder()
                                .setName("to")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                                .setI(1)))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Add")
                        .addInput("w")
                        .addInput("kf")
                        .addOutput("y"))
                .addOutput(floatInput("y"));
        Path m = write("typed-inputs.onnx", model(g).toByteArray());
        for (String measure : new String[] {"--no-latency", "--no-measure"}) {
            Outcome o = yard(
                    "optimize",
                    m.toString(),
                    "--input-shape",
                    "x=2,3",
                    "--input-shape",
                    "c=2,3",
                    "--input-shape",
                    "k=2,3",
                    measure,
                    "-o",
                    dir.resolve("typed-out.onnx").toString());
            assertEquals(0, o.exit(), measure + ": " + o.err());
        }
    }

    private static OnnxMl.ValueInfoProto typedInput(String name, int type) {
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(type)
                                .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                .setDimParam("a"))
                                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                .setDimParam("b")))))
                .build();
    }

    @Test
    void usageErrorsAndHostileNamesGiveOneLine() throws IOException {
        for (String[] args : new String[][] {
            {"optimize", "--nosuch"},
            {"convert", "x.onnx"},
            {"nosuchcommand"},
            {"optimize", "--threads", "0", "--no-measure"},
            {"optimize", "--threads", "100000", "--no-measure"},
            {"optimize", "--input-shape", "x"}
        }) {
            Outcome o = yard(args);
            assertEquals(2, o.exit(), String.join(" ", args) + ": " + o.err());
            assertEquals(1, o.err().strip().lines().count(), String.join(" ", args) + ": " + o.err());
        }
        // A node name with a line break and an escape sequence cannot split the line or reach the terminal raw.
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .addInput(floatInput("x"))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Relu")
                        .setName("evil\nname\u001b[2J")
                        .addInput("nowhere")
                        .addOutput("y"))
                .addOutput(floatInput("y"));
        Path m = write("evil.onnx", model(g).toByteArray());
        Outcome o = yard("inspect", m.toString());
        assertEquals(2, o.exit(), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertFalse(o.err().contains("\u001b"), o.err());
        assertTrue(o.err().contains("evil\\nname\\u001b[2J"), o.err());
        // A group that does not divide the output channels: not priced, said why (once an internal error).
        OnnxMl.TensorProto w = OnnxMl.TensorProto.newBuilder()
                .setName("w")
                .setDataType(1)
                .addDims(4)
                .addDims(1)
                .addDims(3)
                .addDims(3)
                .setRawData(ByteString.copyFrom(new byte[4 * 9 * 4]))
                .build();
        OnnxMl.GraphProto.Builder grouped = OnnxMl.GraphProto.newBuilder()
                .addInput(floatInput("x"))
                .addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Conv")
                        .addInput("x")
                        .addInput("w")
                        .addOutput("y")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder()
                                .setName("group")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                                .setI(1000)))
                .addOutput(floatInput("y"));
        Outcome cost = yard(
                "cost",
                write("group.onnx", model(grouped).toByteArray()).toString(),
                "--input-shape",
                "x=1,1,8,8",
                "--cost-model",
                "macs");
        assertEquals(0, cost.exit(), cost.err());
        assertTrue(cost.out().contains("not priced: group 1000 does not divide the 4 output channels"), cost.out());
        // A rank plan or target that is a device.
        Outcome plan = yard("optimize", "--no-measure", "--pipeline", "decompose{plan=/dev/zero}");
        assertEquals(2, plan.exit(), plan.err());
        assertTrue(plan.err().contains("/dev/zero: a rank plan must be a regular file"), plan.err());
        Outcome target = yard("cost", "--cost-model", "analytic:/dev/zero");
        assertEquals(2, target.exit(), target.err());
        assertTrue(target.err().contains("must be a regular file"), target.err());
    }

    @Test
    void modelsThatDoubleBeyondMemoryAreRefusedBeforeTheyRun() throws IOException {
        // 70 doublings of float[1,4]: dims once wrapped to 0, and the run was killed at 20 GiB.
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .addInput(OnnxMl.ValueInfoProto.newBuilder()
                        .setName("t")
                        .setType(OnnxMl.TypeProto.newBuilder()
                                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                        .setElemType(1)
                                        .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                        .setDimValue(1))
                                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                        .setDimValue(4))))));
        String prev = "t";
        for (int i = 0; i < 70; i++) {
            g.addNode(OnnxMl.NodeProto.newBuilder()
                    .setOpType("Concat")
                    .addInput(prev)
                    .addInput(prev)
                    .addOutput("t" + i)
                    .addAttribute(OnnxMl.AttributeProto.newBuilder()
                            .setName("axis")
                            .setType(OnnxMl.AttributeProto.AttributeType.INT)
                            .setI(0)));
            prev = "t" + i;
        }
        g.addOutput(floatInput(prev));
        Path m = write("doubling.onnx", model(g).toByteArray());
        Outcome o = yard("optimize", m.toString());
        assertEquals(2, o.exit(), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains("more than half of this machine's memory"), o.err());
        Outcome inspect = yard("inspect", m.toString());
        assertEquals(0, inspect.exit(), inspect.err());
        assertTrue(
                inspect.err().contains("has more than 68719476736 elements"),
                "inference stops at the cap: " + inspect.err());
    }

    @Test
    void namesThatMatchNothingAreBadInput() {
        Outcome layers = yard("optimize", "--no-measure", "--pipeline", "decompose{layers=nosuch},dce");
        assertEquals(2, layers.exit(), layers.err());
        assertEquals(
                "yard: decompose: layers: no Conv, Gemm or MatMul named nosuch",
                layers.err().strip());
        Outcome print = yard("optimize", "--no-measure", "--print-after", "nosuchpass");
        assertEquals(2, print.exit(), print.err());
        assertTrue(
                print.err().startsWith("yard: --print-after: 'nosuchpass' is not a pass of the pipeline"), print.err());
    }

    @Test
    void textNestedThousandsOfLevelsDeepIsBadInput() throws IOException {
        String type = "seq(".repeat(10_000) + "float" + ")".repeat(10_000);
        assertRefused(
                write(
                        "deep.onnxtxt",
                        ("<ir_version: 8, opset_import: [\"\" : 17]>\ng (" + type
                                        + " x) => (float y) {\n   y = Identity (x)\n}\n")
                                .getBytes(StandardCharsets.UTF_8)),
                "nested too deeply");
    }

    @Test
    void planRanksMustBeWholeNumbers() throws IOException {
        for (String ranks : new String[] {"[\"abc\", 2]", "[1e20, 2]", "[2.7, 2]", "[0, 2]"}) {
            Path plan = write(
                    "plan.json",
                    ("{\"layers\": {\"12\": {\"method\": \"tucker2\", \"ranks\": " + ranks + "}}}")
                            .getBytes(StandardCharsets.UTF_8));
            Outcome o = yard("optimize", "--no-measure", "--pipeline", "decompose{plan=\"" + plan + "\"},dce");
            assertEquals(2, o.exit(), ranks + ": " + o.err());
            assertTrue(o.err().contains("layer '12': rank 1: expected a whole number"), o.err());
        }
    }
}
