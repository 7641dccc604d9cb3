package dev.yard.passes.linalg;

/** The storage precision of a weight: decompositions compute in f64 and hand back this type. */
public enum WeightType {
    F16,
    F32,
    F64
}
