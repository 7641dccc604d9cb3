# Relax module emitted by Yard from the ONNX graph "pad_tile_gather".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((1, 2, 3, 3), dtype="float32"), S: R.Tensor((2,), dtype="float32"), B: R.Tensor((2,), dtype="float32"), idx: R.Tensor((2,), dtype="int64")) -> R.Tuple(R.Tensor((1, 2, 5, 6), dtype="float32"), R.Tensor((1, 2, 3, 6), dtype="float32"), R.Tensor((2, 2, 3, 3), dtype="float32"), R.Tensor((1, 2, 2, 3), dtype="float32"), R.Tensor((1, 2, 5, 6), dtype="float32"), R.Tensor((1, 2, 5, 6), dtype="float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            n: R.Tensor((1, 2, 3, 3), dtype="float32") = R.nn.instance_norm(x, S, B, channel_axis=1, axes=[2, 3], epsilon=0.001)
            p: R.Tensor((1, 2, 5, 6), dtype="float32") = R.nn.pad(n, pad_width=[0, 0, 0, 0, 1, 1, 2, 1], pad_mode="constant", pad_value=0.5)
            t: R.Tensor((1, 2, 3, 6), dtype="float32") = R.tile(n, repeats=[1, 1, 1, 2])
            e: R.Tensor((2, 2, 3, 3), dtype="float32") = R.broadcast_to(n, R.shape([2, 2, 3, 3]))
            g: R.Tensor((1, 2, 2, 3), dtype="float32") = R.take(n, idx, axis=2)
            pe: R.Tensor((1, 2, 5, 6), dtype="float32") = R.nn.pad(n, pad_width=[0, 0, 0, 0, 1, 1, 2, 1], pad_mode="replicate", pad_value=0.0)
            pr: R.Tensor((1, 2, 5, 6), dtype="float32") = R.nn.pad(n, pad_width=[0, 0, 0, 0, 1, 1, 2, 1], pad_mode="reflect", pad_value=0.0)
            outputs: R.Tuple(R.Tensor((1, 2, 5, 6), dtype="float32"), R.Tensor((1, 2, 3, 6), dtype="float32"), R.Tensor((2, 2, 3, 3), dtype="float32"), R.Tensor((1, 2, 2, 3), dtype="float32"), R.Tensor((1, 2, 5, 6), dtype="float32"), R.Tensor((1, 2, 5, 6), dtype="float32")) = p, t, e, g, pe, pr
            R.output(outputs)
        return outputs
