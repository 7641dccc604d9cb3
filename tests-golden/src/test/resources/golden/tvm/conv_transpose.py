# Relax module emitted by Yard from the ONNX graph "conv_transpose".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((1, 4, 5, 6), dtype="float32"), W: R.Tensor((4, 3, 2, 2), dtype="float32"), B: R.Tensor((3,), dtype="float32"), V: R.Tensor((3, 2, 3, 3), dtype="float32")) -> R.Tuple(R.Tensor((1, 3, 10, 12), dtype="float32"), R.Tensor((1, 2, 21, 27), dtype="float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            y_conv: R.Tensor((1, 3, 10, 12), dtype="float32") = R.nn.conv2d_transpose(x, W, strides=[2, 2], padding=[0, 0, 0, 0], output_padding=[0, 0], dilation=[1, 1], groups=1, data_layout="NCHW", kernel_layout="IOHW")
            y_bias: R.Tensor((3, 1, 1), dtype="float32") = R.reshape(B, R.shape([3, 1, 1]))
            y: R.Tensor((1, 3, 10, 12), dtype="float32") = R.add(y_conv, y_bias)
            z: R.Tensor((1, 2, 21, 27), dtype="float32") = R.nn.conv2d_transpose(y, V, strides=[2, 2], padding=[1, 0, 0, 1], output_padding=[1, 1], dilation=[1, 2], groups=1, data_layout="NCHW", kernel_layout="IOHW")
            outputs: R.Tuple(R.Tensor((1, 3, 10, 12), dtype="float32"), R.Tensor((1, 2, 21, 27), dtype="float32")) = y, z
            R.output(outputs)
        return outputs
