// Both runs are in build.log: the first optimized the model, the second skipped it.
File log = new File(basedir, 'build.log')
String text = log.text
assert text.contains('yard: cnn_mnist.onnx: optimized'): 'the first run did not optimize'
assert text.contains('yard: cnn_mnist.onnx is up to date'): 'the second run did not skip'
File out = new File(basedir, 'target/yard/cnn_mnist.onnx')
assert out.isFile() && out.length() > 1000
File original = new File(basedir, 'target/models/cnn_mnist.onnx')
assert out.length() < original.length(): "not smaller: ${out.length()} vs ${original.length()}"
assert new File(basedir, 'target/yard/cnn_mnist.onnx.report/report.json').isFile()
assert new File(basedir, 'target/yard/cnn_mnist.onnx.report/report.html').isFile()
// addToResources: process-resources copied the optimized model into the classes.
assert new File(basedir, 'target/classes/cnn_mnist.onnx').length() == out.length()
assert !new File(basedir, 'target/classes/cnn_mnist.onnx.report').exists()
return true
