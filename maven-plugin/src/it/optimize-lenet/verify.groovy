// Both runs are in build.log: the first optimized the model, the second skipped it.
File log = new File(basedir, 'build.log')
String text = log.text
assert text.contains('yard: cnn_mnist.onnx: optimized'): 'the first run did not optimize'
assert text.contains('yard: cnn_mnist.onnx is up to date'): 'the second run did not skip'
assert text.contains('yard: cnn_mnist.onnx: restored from the cache'): 'the third run did not use the cache'
assert text.count('yard: cnn_mnist.onnx: optimized') == 1: 'optimized more than once'
File out = new File(basedir, 'target/yard/cnn_mnist.onnx')
assert out.isFile() && out.length() > 1000
File original = new File(basedir, 'target/models/cnn_mnist.onnx')
assert out.length() < original.length(): "not smaller: ${out.length()} vs ${original.length()}"
assert new File(basedir, 'target/yard/cnn_mnist.onnx.report/report.json').isFile()
assert new File(basedir, 'target/yard/cnn_mnist.onnx.report/report.html').isFile()
// addToResources: process-resources copied the optimized model into the classes.
assert new File(basedir, 'target/classes/cnn_mnist.onnx').length() == out.length()
assert !new File(basedir, 'target/classes/cnn_mnist.onnx.report').exists()
// The baseline written by the first run, and the second run's check against it.
def baseline = new groovy.json.JsonSlurper().parse(new File(basedir, 'src/test/yard/baseline.json'))
assert baseline['cnn_mnist.onnx'].errors.output_probs > 0
assert baseline['cnn_mnist.onnx'].speedup > 0
assert text.contains('yard: check: wrote the baseline')
assert text.contains('yard: check: cnn_mnist.onnx is within the baseline')
// The jar carries the optimized model.
def jar = new java.util.jar.JarFile(new File(basedir, 'target/optimize-lenet-1.jar'))
assert jar.getEntry('cnn_mnist.onnx').size == out.length()
jar.close()
return true
