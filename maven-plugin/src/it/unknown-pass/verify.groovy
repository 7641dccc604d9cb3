String text = new File(basedir, 'build.log').text
def error = text.readLines().find { it.startsWith('[ERROR] Failed to execute goal dev.yard:yard-maven-plugin') }
assert error != null: 'no goal failure in the log'
assert error.contains('fold-everything'): error
assert !text.contains('at dev.yard.'): 'a stack trace was printed'
assert !new File(basedir, 'target/yard/cnn_mnist.onnx').exists()
return true
