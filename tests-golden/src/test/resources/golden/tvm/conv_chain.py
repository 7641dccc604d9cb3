# Relax module emitted by Yard from the ONNX graph "conv_chain".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((1, 8, 9, 9), dtype="float32"), U: R.Tensor((3, 8, 1, 1), dtype="float32"), K: R.Tensor((4, 3, 3, 3), dtype="float32"), V: R.Tensor((6, 4, 1, 1), dtype="float32"), B: R.Tensor((6,), dtype="float32")) -> R.Tensor((1, 6, 5, 4), dtype="float32"):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            a: R.Tensor((1, 3, 9, 9), dtype="float32") = R.nn.conv2d(x, U, strides=[1, 1], padding=[0, 0, 0, 0], dilation=[1, 1], groups=1, data_layout="NCHW", kernel_layout="OIHW")
            b: R.Tensor((1, 4, 5, 4), dtype="float32") = R.nn.conv2d(a, K, strides=[2, 2], padding=[0, 1, 2, 0], dilation=[1, 1], groups=1, data_layout="NCHW", kernel_layout="OIHW")
            y_conv: R.Tensor((1, 6, 5, 4), dtype="float32") = R.nn.conv2d(b, V, strides=[1, 1], padding=[0, 0, 0, 0], dilation=[1, 1], groups=1, data_layout="NCHW", kernel_layout="OIHW")
            y_bias: R.Tensor((6, 1, 1), dtype="float32") = R.reshape(B, R.shape([6, 1, 1]))
            y: R.Tensor((1, 6, 5, 4), dtype="float32") = R.add(y_conv, y_bias)
            R.output(y)
        return y
