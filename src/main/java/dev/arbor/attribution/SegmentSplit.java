package dev.arbor.attribution;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the change of a node's total between a base period and a period into one contribution
 * per segment of a dimension.
 *
 * <ul>
 *   <li>{@link #additive}: for counts, sums and their linear combinations, each segment contributes
 *       its own change. The contributions add up to the total's change when the segments partition
 *       the total; for distinct counts the residual measures keys counted in several segments.
 *   <li>{@link #mixAndRate}: for a ratio {@code R = N / D} with segments s, {@code R = sum(w_s *
 *       r_s)} with the weight {@code w_s = D_s / sum(D)} and the rate {@code r_s = N_s / D_s}.
 *       Each segment gets a rate effect {@code (r1_s - r0_s) * (w0_s + w1_s) / 2} and a mix effect
 *       {@code (w1_s - w0_s) * ((r0_s + r1_s) / 2 - (R0 + R1) / 2)}. The two add up to {@code
 *       w1_s * r1_s - w0_s * r0_s}, and over all segments to the change of {@code sum(N) /
 *       sum(D)}; centering the mix effect on the mean total ratio changes no sum (the weights'
 *       changes add up to 0) but makes a segment that gains weight with a below-average ratio
 *       pull the total down. A segment with {@code D_s = 0} in one period takes its ratio from
 *       the other period, so all of its effect is mix; a numerator without a denominator in a
 *       segment ({@code N_s / sum(D)} of the total) is mix too.
 * </ul>
 */
public final class SegmentSplit {
  private SegmentSplit() {}

  /** A segment's values in the base period (0) and the period (1); null where unknown. */
  public record SegmentValues(
      String segment, Double value0, Double value1, Double numerator0, Double numerator1,
      Double denominator0, Double denominator1) {}

  /**
   * One segment's contribution to the total's change: {@code rate} and {@code mix} are set for
   * ratio splits (their sum is {@code contribution}), null for additive ones.
   */
  public record SegmentEffect(String segment, double contribution, Double mix, Double rate) {}

  /**
   * The segments' contributions and the total's change minus their sum.
   *
   * @param method {@link Method#SEGMENT} or {@link Method#MIX} (for mix and rate)
   */
  public record Split(Method method, double totalChange, List<SegmentEffect> effects) {
    public double residual() {
      double sum = 0;
      for (SegmentEffect effect : effects) {
        sum += effect.contribution();
      }
      return totalChange - sum;
    }
  }

  /**
   * Splits an additive node's change; returns null when the total or a segment value is null in
   * either period.
   */
  public static Split additive(Double total0, Double total1, List<SegmentValues> segments) {
    if (total0 == null || total1 == null) {
      return null;
    }
    List<SegmentEffect> effects = new ArrayList<>();
    for (SegmentValues s : segments) {
      if (s.value0() == null || s.value1() == null) {
        return null;
      }
      effects.add(new SegmentEffect(s.segment(), s.value1() - s.value0(), null, null));
    }
    return new Split(Method.SEGMENT, total1 - total0, effects);
  }

  /**
   * Splits a ratio node's change into mix and rate effects; returns null when the total is null
   * in either period, a segment's numerator or denominator is null, or the segments'
   * denominators add up to 0 in either period.
   */
  public static Split mixAndRate(Double total0, Double total1, List<SegmentValues> segments) {
    if (total0 == null || total1 == null) {
      return null;
    }
    double sumD0 = 0;
    double sumD1 = 0;
    double sumN0 = 0;
    double sumN1 = 0;
    for (SegmentValues s : segments) {
      if (s.numerator0() == null || s.numerator1() == null
          || s.denominator0() == null || s.denominator1() == null) {
        return null;
      }
      sumN0 += s.numerator0();
      sumN1 += s.numerator1();
      sumD0 += s.denominator0();
      sumD1 += s.denominator1();
    }
    if (sumD0 == 0 || sumD1 == 0) {
      return null;
    }
    double meanRatio = (sumN0 / sumD0 + sumN1 / sumD1) / 2;
    List<SegmentEffect> effects = new ArrayList<>();
    for (SegmentValues s : segments) {
      double n0 = s.numerator0();
      double n1 = s.numerator1();
      double d0 = s.denominator0();
      double d1 = s.denominator1();
      // A numerator without a denominator in the segment (returns without sales) still adds
      // N_s / sum(D) to the total; it has no rate, so its change counts as mix.
      double stray = (d1 == 0 ? n1 / sumD1 : 0) - (d0 == 0 ? n0 / sumD0 : 0);
      if (d0 == 0 && d1 == 0) {
        effects.add(new SegmentEffect(s.segment(), stray, stray, 0.0));
        continue;
      }
      double r0 = d0 == 0 ? n1 / d1 : n0 / d0;
      double r1 = d1 == 0 ? r0 : n1 / d1;
      double w0 = d0 / sumD0;
      double w1 = d1 / sumD1;
      double rate = (r1 - r0) * (w0 + w1) / 2;
      double mix = (w1 - w0) * ((r0 + r1) / 2 - meanRatio) + stray;
      effects.add(new SegmentEffect(s.segment(), mix + rate, mix, rate));
    }
    return new Split(Method.MIX, total1 - total0, effects);
  }
}
