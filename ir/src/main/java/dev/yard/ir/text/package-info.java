/**
 * The textual form of Yard's IR, which is ONNX's textual syntax: {@link
 * dev.yard.ir.text.OnnxTextReader} reads what {@code onnx.printer.to_text} writes, and {@link
 * dev.yard.ir.text.OnnxTextPrinter} writes what {@code onnx.parser.parse_model} reads.
 *
 * <p>Choices where ONNX leaves room, or where Yard differs:
 * <ul>
 *   <li>Layout follows onnx.printer (three-space indents, attributes with explicit types,
 *       attributes holding graphs after the inputs) without its trailing spaces.</li>
 *   <li>Floats print in the shortest form that reads back to the same bits, spelled as C++'s
 *       {@code std::to_chars} spells them ({@code 1e-04}, {@code 3.4028235e+38}), with
 *       {@code inf}, {@code -inf}, {@code nan}, {@code -nan}; NaN payloads are not kept.
 *       float16, bfloat16 and the float8 types are written as their bit patterns, as ONNX
 *       writes and reads them; 4-bit types one integer per element; complex types as real
 *       and imaginary parts in turn.</li>
 *   <li>Names are quoted when they are not identifiers, and also when ONNX's parser would take
 *       them for a type or a number ({@code "float"}, {@code "nan"}).</li>
 *   <li>An initializer that is also a graph input prints in the {@code <...>} list, as
 *       onnx.printer does; reading it back makes the input's value its default.</li>
 *   <li>Function attribute defaults ({@code <a, b: int = 3>}), typed function inputs and
 *       outputs, function value infos and doc strings print (onnx.printer drops them); the
 *       ONNX parser reads all of them.</li>
 *   <li>Not representable, as in ONNX's text: doc strings of graphs and nodes, names of tensors
 *       inside attributes, sparse tensor attribute values, opaque types, node overloads (the
 *       reader rejects {@code Op:overload}), external data.</li>
 *   <li>Extension: compact printing writes the contents of large tensors as
 *       {@code sha256:<64 hex digits>} (the tensor's {@link dev.yard.ir.Tensor#digest()}) in
 *       place of {@code {...}}; the reader accepts it only with
 *       {@link dev.yard.ir.text.OnnxTextReader.Options#COMPACT} and makes a
 *       {@link dev.yard.ir.Tensor#placeholder placeholder}, which prints back the same.</li>
 * </ul>
 */
package dev.yard.ir.text;
