String text = new File(basedir, 'build.log').text
def error = text.readLines().find { it.startsWith('[ERROR] Failed to execute goal dev.yard:yard-maven-plugin') }
assert error != null: 'no goal failure in the log'
assert error.contains(':check '): error
assert error.contains('cnn_mnist.onnx: output output_probs rel. L2 error'): error
assert error.contains('baseline 1.000e-09'): error
assert !text.contains('at dev.yard.'): 'a stack trace was printed'
// The optimization itself succeeded; only the gate failed.
assert new File(basedir, 'target/yard/cnn_mnist.onnx').isFile()
return true
