package dev.yard.backend.tvm.emit;

import dev.yard.ir.Node;

/** How one ONNX op becomes Relax bindings. A rule reads the node and appends lines to the context. */
@FunctionalInterface
interface OpRule {
    void emit(Node node, EmitContext cx);
}
