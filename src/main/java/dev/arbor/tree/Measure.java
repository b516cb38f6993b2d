package dev.arbor.tree;

/**
 * An aggregate over the events of one source.
 *
 * @param source id of the source whose events are aggregated
 * @param aggregation how the events of a period are combined
 * @param expression Spark SQL expression over the source's columns: the summed or averaged value,
 *     or the counted key for COUNT_DISTINCT; null for COUNT and RATIO
 * @param filter Spark SQL predicate selecting the events that count, or null for all
 * @param numerator for RATIO only, the measure divided (its source is this measure's source)
 * @param denominator for RATIO only, the measure divided by
 */
public record Measure(
    String source,
    Aggregation aggregation,
    String expression,
    String filter,
    Measure numerator,
    Measure denominator) {

  public static Measure simple(
      String source, Aggregation aggregation, String expression, String filter) {
    return new Measure(source, aggregation, expression, filter, null, null);
  }
}
