package dev.arbor.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares two sets of node values keyed by node, grain and period: the naive queries' against
 * Arbor's, and the sketched run's against the exact run's.
 */
final class ValueComparison {
  private ValueComparison() {}

  /** Returns the key of a value: node, grain and period start. */
  static String key(String nodeId, String grain, Object periodStart) {
    return nodeId + "|" + grain + "|" + periodStart;
  }

  /**
   * Counts the values of {@code actual} that differ from {@code expected} by more than {@code
   * tolerance} relative to the larger magnitude (at least 1). A null on one side only is a
   * mismatch; keys missing from {@code expected} are counted apart.
   */
  static Map<String, Object> agreement(
      Map<String, Double> expected, Map<String, Double> actual, double tolerance) {
    long compared = 0;
    long missing = 0;
    double maxDifference = 0;
    List<String> examples = new ArrayList<>();
    long mismatches = 0;
    for (Map.Entry<String, Double> entry : actual.entrySet()) {
      if (!expected.containsKey(entry.getKey())) {
        missing++;
        continue;
      }
      compared++;
      Double want = expected.get(entry.getKey());
      Double got = entry.getValue();
      boolean same;
      if (want == null || got == null) {
        same = want == null && got == null;
      } else {
        double difference = Math.abs(want - got) / Math.max(1.0, Math.max(Math.abs(want), Math.abs(got)));
        maxDifference = Math.max(maxDifference, difference);
        same = difference <= tolerance;
      }
      if (!same) {
        mismatches++;
        if (examples.size() < 10) {
          examples.add(entry.getKey() + ": expected " + want + ", got " + got);
        }
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("values_compared", compared);
    result.put("mismatches", mismatches);
    result.put("missing_from_reference", missing);
    result.put("max_relative_difference", maxDifference);
    result.put("tolerance", tolerance);
    result.put("mismatch_examples", examples);
    return result;
  }

  /**
   * Returns, per node and grain, the relative error of {@code estimated} against {@code exact}
   * over the periods where the exact value is positive: mean and maximum of |estimate - exact| /
   * exact.
   */
  static Map<String, Object> relativeErrors(
      Map<String, Double> exact, Map<String, Double> estimated, List<String> nodeIds, List<String> grains) {
    Map<String, Object> byNode = new LinkedHashMap<>();
    double overallMax = 0;
    double overallSum = 0;
    long overallCount = 0;
    for (String nodeId : nodeIds) {
      Map<String, Object> byGrain = new LinkedHashMap<>();
      for (String grain : grains) {
        String prefix = nodeId + "|" + grain + "|";
        double sum = 0;
        double max = 0;
        long count = 0;
        for (Map.Entry<String, Double> entry : exact.entrySet()) {
          Double truth = entry.getValue();
          Double estimate = estimated.get(entry.getKey());
          if (!entry.getKey().startsWith(prefix) || truth == null || truth <= 0 || estimate == null) {
            continue;
          }
          double error = Math.abs(estimate - truth) / truth;
          sum += error;
          max = Math.max(max, error);
          count++;
        }
        if (count > 0) {
          Map<String, Object> stats = new LinkedHashMap<>();
          stats.put("periods", count);
          stats.put("mean_relative_error", sum / count);
          stats.put("max_relative_error", max);
          byGrain.put(grain, stats);
          overallMax = Math.max(overallMax, max);
          overallSum += sum;
          overallCount += count;
        }
      }
      byNode.put(nodeId, byGrain);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("values_compared", overallCount);
    result.put("mean_relative_error", overallCount == 0 ? null : overallSum / overallCount);
    result.put("max_relative_error", overallCount == 0 ? null : overallMax);
    result.put("by_node", byNode);
    return result;
  }
}
