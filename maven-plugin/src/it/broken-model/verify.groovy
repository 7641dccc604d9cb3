String text = new File(basedir, 'build.log').text
def error = text.readLines().find { it.startsWith('[ERROR] Failed to execute goal dev.yard:yard-maven-plugin') }
assert error != null: 'no goal failure in the log'
assert error.contains('yard: detector.onnxtxt: '): error
assert error.contains('W_that_does_not_exist'): error
// Maven's usual one line, not a stack trace.
assert !text.contains('at dev.yard.'): 'a stack trace was printed'
assert !new File(basedir, 'target/yard/detector.onnxtxt').exists()
return true
