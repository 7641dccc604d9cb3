# Relax module emitted by Yard from the ONNX graph "pool_convtranspose_nd".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(s: R.Tensor((1, 2, 9), dtype="float32"), v: R.Tensor((1, 2, 4, 5, 6), dtype="float32"), x: R.Tensor((1, 2, 3, 3), dtype="float32"), W1: R.Tensor((2, 3, 3), dtype="float32"), B1: R.Tensor((3,), dtype="float32"), W2: R.Tensor((2, 3, 3, 3), dtype="float32")) -> R.Tuple(R.Tensor((1, 2, 4), dtype="float32"), R.Tensor((1, 2, 2, 3, 3), dtype="float32"), R.Tensor((1, 3, 13), dtype="float32"), R.Tensor((1, 3, 10, 8), dtype="float32"), R.Tensor((1, 3, 6, 6), dtype="float32")):
        R.func_attr({"num_input": 3})
        with R.dataflow():
            mp: R.Tensor((1, 2, 4), dtype="float32") = R.nn.max_pool1d(s, pool_size=[3], strides=[2], padding=[0, 1], dilation=[1], ceil_mode=False, layout="NCW")
            ap: R.Tensor((1, 2, 2, 3, 3), dtype="float32") = R.nn.avg_pool3d(v, pool_size=[2, 2, 2], strides=[2, 2, 2], padding=[0, 1, 0, 0, 0, 0], dilation=[1, 1, 1], ceil_mode=False, count_include_pad=False, layout="NCDHW")
            ct1_conv: R.Tensor((1, 3, 13), dtype="float32") = R.nn.conv1d_transpose(s, W1, strides=[1], padding=[0, 0], output_padding=[0], dilation=[2], groups=1, data_layout="NCW", kernel_layout="IOW")
            ct1_bias: R.Tensor((3, 1), dtype="float32") = R.reshape(B1, R.shape([3, 1]))
            ct1: R.Tensor((1, 3, 13), dtype="float32") = R.add(ct1_conv, ct1_bias)
            cts: R.Tensor((1, 3, 10, 8), dtype="float32") = R.nn.conv2d_transpose(x, W2, strides=[3, 2], padding=[0, 0, 0, 0], output_padding=[1, 1], dilation=[1, 1], groups=1, data_layout="NCHW", kernel_layout="IOHW")
            ctu: R.Tensor((1, 3, 6, 6), dtype="float32") = R.nn.conv2d_transpose(x, W2, strides=[2, 2], padding=[0, 0, 1, 1], output_padding=[0, 0], dilation=[1, 1], groups=1, data_layout="NCHW", kernel_layout="IOHW")
            outputs: R.Tuple(R.Tensor((1, 2, 4), dtype="float32"), R.Tensor((1, 2, 2, 3, 3), dtype="float32"), R.Tensor((1, 3, 13), dtype="float32"), R.Tensor((1, 3, 10, 8), dtype="float32"), R.Tensor((1, 3, 6, 6), dtype="float32")) = mp, ap, ct1, cts, ctu
            R.output(outputs)
        return outputs
