/**
 * Fuzz tests (Jazzer, JUnit 5 {@code @FuzzTest}) of everything that reads what a user gives:
 * binary ONNX, ONNX's textual syntax, pass pipelines, and a loaded model through verification
 * and shape inference.
 *
 * <p>The contract each target checks: any input is either accepted or refused with a bad-input
 * {@link dev.yard.ir.YardException} whose message says what is wrong ({@link BadInput}). Any
 * other throwable (a NullPointerException, a StackOverflowError, an OutOfMemoryError from a
 * size read off the input, an internal-fault YardException) is a bug.
 *
 * <p>The build runs each target twice (see {@code cli/pom.xml}): in regression mode over the
 * inputs kept in {@code src/test/resources/dev/yard/cli/fuzz/<Class>Inputs/<method>/}, and
 * then fuzzing with a fixed libFuzzer seed for {@code yard.fuzz.duration} (default 35s) in a JVM
 * of its own, since Jazzer fuzzes one test per JVM. An input that fails lands in
 * {@code cli/target/fuzz/}; once the bug is fixed it goes into the inputs folder above as
 * {@code bug-<what>}, so that every later build replays it ({@code -Dtest=<Class>} replays one
 * target's inputs alone).
 */
package dev.yard.cli.fuzz;
