package dev.yard.api;

/**
 * Where long work (calibration, fitting, measuring) says what it is doing: one short line at a
 * time, each replacing the last. A terminal shows it in place; a build log shows nothing.
 */
public interface Progress {
    /** Shows nothing. */
    Progress SILENT = text -> {};

    /** What is being done now. */
    void show(String text);

    /** The work is over: the last line may be erased. */
    default void clear() {}
}
