# Relax module emitted by Yard from the ONNX graph "grouped_dilated".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((1, 4, 10, 10), dtype="float32"), KH: R.Tensor((4, 1, 3, 1), dtype="float32"), KW: R.Tensor((4, 1, 1, 3), dtype="float32"), G: R.Tensor((8, 2, 3, 3), dtype="float32")) -> R.Tensor((1, 8, 5, 5), dtype="float32"):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            b: R.Tensor((1, 4, 10, 10), dtype="float32") = R.nn.conv2d(x, KH, strides=[1, 1], padding=[2, 0, 2, 0], dilation=[2, 1], groups=4, data_layout="NCHW", kernel_layout="OIHW")
            c: R.Tensor((1, 4, 10, 10), dtype="float32") = R.nn.conv2d(b, KW, strides=[1, 1], padding=[0, 2, 0, 2], dilation=[1, 2], groups=4, data_layout="NCHW", kernel_layout="OIHW")
            d: R.Tensor((1, 8, 5, 5), dtype="float32") = R.nn.conv2d(c, G, strides=[2, 2], padding=[1, 1, 1, 1], dilation=[1, 1], groups=2, data_layout="NCHW", kernel_layout="OIHW")
            y: R.Tensor((1, 8, 5, 5), dtype="float32") = R.nn.relu(d)
            R.output(y)
        return y
