# Relax module emitted by Yard from the ONNX graph "sibling_split".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((1, 6, 5, 5), dtype="float32"), W: R.Tensor((9, 6, 1, 1), dtype="float32"), B: R.Tensor((9,), dtype="float32")) -> R.Tuple(R.Tensor((1, 3, 5, 5), dtype="float32"), R.Tensor((1, 4, 5, 5), dtype="float32"), R.Tensor((1, 2, 5, 5), dtype="float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            merged_conv: R.Tensor((1, 9, 5, 5), dtype="float32") = R.nn.conv2d(x, W, strides=[1, 1], padding=[0, 0, 0, 0], dilation=[1, 1], groups=1, data_layout="NCHW", kernel_layout="OIHW")
            merged_bias: R.Tensor((9, 1, 1), dtype="float32") = R.reshape(B, R.shape([9, 1, 1]))
            merged: R.Tensor((1, 9, 5, 5), dtype="float32") = R.add(merged_conv, merged_bias)
            a_parts: R.Tuple(R.Tensor((1, 3, 5, 5), dtype="float32"), R.Tensor((1, 4, 5, 5), dtype="float32"), R.Tensor((1, 2, 5, 5), dtype="float32")) = R.split(merged, indices_or_sections=[3, 7], axis=1)
            a: R.Tensor((1, 3, 5, 5), dtype="float32") = a_parts[0]
            b: R.Tensor((1, 4, 5, 5), dtype="float32") = a_parts[1]
            c: R.Tensor((1, 2, 5, 5), dtype="float32") = a_parts[2]
            p: R.Tensor((1, 3, 5, 5), dtype="float32") = R.nn.relu(a)
            q: R.Tensor((1, 4, 5, 5), dtype="float32") = R.sigmoid(b)
            r: R.Tensor((1, 2, 5, 5), dtype="float32") = R.add(c, c)
            outputs: R.Tuple(R.Tensor((1, 3, 5, 5), dtype="float32"), R.Tensor((1, 4, 5, 5), dtype="float32"), R.Tensor((1, 2, 5, 5), dtype="float32")) = p, q, r
            R.output(outputs)
        return outputs
