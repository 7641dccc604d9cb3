package dev.yard.passes.cost;

/**
 * A cost model as a plugin: found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.yard.passes.cost.CostModelProvider} of its jar) and chosen by
 * {@link #name()} in {@code --cost-model NAME[:ARGS]}.
 */
public interface CostModelProvider {
    /** The name users choose it by, e.g. {@code analytic}. */
    String name();

    /** One line for listings: what it prices and how. */
    String summary();

    /**
     * A model for {@code arguments} (the text after the colon, empty when none). Bad arguments
     * are a {@link dev.yard.ir.YardException#badInput} that names what is wrong.
     */
    CostModel create(String arguments);
}
