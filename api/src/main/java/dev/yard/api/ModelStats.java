package dev.yard.api;

/**
 * Size of a model: its nodes, the parameters of its layers and the multiply-accumulates of one
 * run (layers behind dynamic dimensions count only at given input shapes).
 */
public record ModelStats(long nodes, long parameters, long macs) {}
