# Relax module emitted by Yard from the ONNX graph "elementwise_edges".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((2, 3), dtype="float32"), h: R.Tensor((2, 3), dtype="float16"), one: R.Tensor((), dtype="float32"), e: R.Tensor((1,), dtype="int64"), W: R.Tensor((2, 3), dtype="float32")) -> R.Tuple(R.Tensor((2, 3), dtype="float32"), R.Tensor((2, 3), dtype="float16"), R.Tensor((2, 3), dtype="float32")):
        R.func_attr({"num_input": 2})
        with R.dataflow():
            h_f32: R.Tensor((2, 3), dtype="float32") = R.astype(h, dtype="float32")
            sq: R.Tensor((2, 3), dtype="float32") = R.multiply(x, x)
            pos: R.Tensor((2, 3), dtype="float32") = R.add(sq, one)
            r: R.Tensor((2, 3), dtype="float32") = R.divide(R.const(1.0, "float32"), pos)
            low: R.Tensor((2, 3), dtype="float32") = R.maximum(r, R.const(0.7, "float32"))
            none: R.Tensor((2, 3), dtype="float32") = low
            p: R.Tensor((2, 3), dtype="float32") = R.power(none, R.astype(e, dtype="float32"))
            y_acc1: R.Tensor((2, 3), dtype="float32") = R.maximum(p, x)
            y: R.Tensor((2, 3), dtype="float32") = R.maximum(y_acc1, sq)
            hh: R.Tensor((2, 3), dtype="float32") = R.nn.relu(h_f32)
            z: R.Tensor((2, 3), dtype="float32") = R.add(hh, hh)
            w: R.Tensor((2, 3), dtype="float32") = W
            z_f16: R.Tensor((2, 3), dtype="float16") = R.astype(z, dtype="float16")
            outputs: R.Tuple(R.Tensor((2, 3), dtype="float32"), R.Tensor((2, 3), dtype="float16"), R.Tensor((2, 3), dtype="float32")) = y, z_f16, w
            R.output(outputs)
        return outputs
