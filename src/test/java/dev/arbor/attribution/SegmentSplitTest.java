package dev.arbor.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.attribution.SegmentSplit.SegmentEffect;
import dev.arbor.attribution.SegmentSplit.SegmentValues;
import dev.arbor.attribution.SegmentSplit.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentSplitTest {
  private static final double EXACT = 1e-12;

  private static SegmentValues value(String segment, double before, double after) {
    return new SegmentValues(segment, before, after, null, null, null, null);
  }

  private static SegmentValues ratio(String segment, double n0, double d0, double n1, double d1) {
    return new SegmentValues(segment, d0 == 0 ? null : n0 / d0, d1 == 0 ? null : n1 / d1, n0, n1, d0, d1);
  }

  @Test
  void additiveSegmentsAddUpToTotal() {
    // UK 100 -> 130, FR 50 -> 40, other 10 -> 20; total 160 -> 190.
    Split split = SegmentSplit.additive(160.0, 190.0,
        List.of(value("UK", 100, 130), value("FR", 50, 40), value("other", 10, 20)));

    assertThat(split.method()).isEqualTo(Method.SEGMENT);
    assertThat(split.effects()).extracting(SegmentEffect::contribution).containsExactly(30.0, -10.0, 10.0);
    assertThat(split.totalChange()).isEqualTo(30.0);
    assertThat(split.residual()).isEqualTo(0.0);
  }

  @Test
  void overlappingSegmentsLeaveResidual() {
    // A distinct count: one customer bought in both segments after, so 2 + 2 segments but 3 in total.
    Split split = SegmentSplit.additive(2.0, 3.0, List.of(value("UK", 1, 2), value("FR", 1, 2)));

    assertThat(split.residual()).isEqualTo(-1.0);
  }

  @Test
  void additiveWithNullSegmentGivesNoSplit() {
    SegmentValues unknown = new SegmentValues("UK", null, 1.0, null, null, null, null);

    assertThat(SegmentSplit.additive(1.0, 2.0, List.of(unknown))).isNull();
    assertThat(SegmentSplit.additive(null, 2.0, List.of(value("UK", 1, 2)))).isNull();
  }

  @Test
  void ratioSplitsIntoMixAndRate() {
    // Conversion = orders / visits.
    //   A: 10 / 100 = 0.10 -> 12 / 100 = 0.12     weight 1/2 -> 1/3
    //   B: 40 / 100 = 0.40 -> 60 / 200 = 0.30     weight 1/2 -> 2/3
    // Total 50 / 200 = 0.25 -> 72 / 300 = 0.24, change -0.01; mean total ratio 0.245.
    // A rate (0.12 - 0.10) * (1/2 + 1/3) / 2 = 1/120;   A mix (1/3 - 1/2) * (0.11 - 0.245) = 0.0225
    // B rate (0.30 - 0.40) * (1/2 + 2/3) / 2 = -7/120;  B mix (2/3 - 1/2) * (0.35 - 0.245) = 0.0175
    Split split = SegmentSplit.mixAndRate(0.25, 0.24,
        List.of(ratio("A", 10, 100, 12, 100), ratio("B", 40, 100, 60, 200)));

    assertThat(split.method()).isEqualTo(Method.MIX);
    SegmentEffect a = split.effects().get(0);
    SegmentEffect b = split.effects().get(1);
    assertThat(a.rate()).isCloseTo(1.0 / 120, within(EXACT));
    assertThat(a.mix()).isCloseTo(0.0225, within(EXACT));
    assertThat(b.rate()).isCloseTo(-7.0 / 120, within(EXACT));
    assertThat(b.mix()).isCloseTo(0.0175, within(EXACT));
    assertThat(a.contribution()).isCloseTo(1.0 / 120 + 0.0225, within(EXACT));
    assertThat(split.totalChange()).isCloseTo(-0.01, within(EXACT));
    assertThat(Math.abs(split.residual())).isLessThan(EXACT);
  }

  @Test
  void segmentNewAtSameRateHasNoEffect() {
    // A: 10 / 100 both periods; C: none before, 5 / 50 after, the same ratio 0.1. The total
    // stays 0.1; C's weight goes 0 -> 1/3 at the mean ratio, so its mix is 0 and, with its
    // ratio taken from the period where it has one, so is its rate.
    Split split = SegmentSplit.mixAndRate(0.1, 0.1,
        List.of(ratio("A", 10, 100, 10, 100), ratio("C", 0, 0, 5, 50)));

    assertThat(split.effects().get(1).rate()).isEqualTo(0.0);
    assertThat(split.effects().get(1).mix()).isCloseTo(0.0, within(EXACT));
    assertThat(Math.abs(split.residual())).isLessThan(EXACT);
  }

  @Test
  void segmentNewAtDifferentRateMovesTotalThroughMix() {
    // A: 10 / 100 both periods; C: none before, 30 / 100 after (ratio 0.3).
    // Total 0.1 -> 40 / 200 = 0.2, change 0.1; mean total ratio 0.15.
    // A: rate 0, mix (1/2 - 1) * (0.1 - 0.15) = 0.025. C: rate 0, mix (1/2 - 0) * (0.3 - 0.15) = 0.075.
    Split split = SegmentSplit.mixAndRate(0.1, 0.2,
        List.of(ratio("A", 10, 100, 10, 100), ratio("C", 0, 0, 30, 100)));

    assertThat(split.effects().get(0).mix()).isCloseTo(0.025, within(EXACT));
    assertThat(split.effects().get(1).mix()).isCloseTo(0.075, within(EXACT));
    assertThat(split.effects().get(1).rate()).isEqualTo(0.0);
    assertThat(Math.abs(split.residual())).isLessThan(EXACT);
  }

  @Test
  void numeratorWithoutDenominatorIsMix() {
    // Return rate = returns / sales. A: 10 / 100 both periods. B: returns 5 without sales
    // before, nothing after. Total 15 / 100 = 0.15 -> 10 / 100 = 0.1, change -0.05, all of it
    // B's: its stray numerator 5 / 100 goes away. A: weight 1 -> 1 at ratio 0.1, no effect.
    Split split = SegmentSplit.mixAndRate(0.15, 0.1,
        List.of(ratio("A", 10, 100, 10, 100), ratio("B", 5, 0, 0, 0)));

    assertThat(split.effects().get(0).contribution()).isCloseTo(0.0, within(EXACT));
    assertThat(split.effects().get(1).mix()).isCloseTo(-0.05, within(EXACT));
    assertThat(split.effects().get(1).rate()).isEqualTo(0.0);
    assertThat(Math.abs(split.residual())).isLessThan(EXACT);
  }

  @Test
  void numeratorAppearingWithDenominatorAddsUp() {
    // A: 10 / 100 -> 10 / 50; B: returns 5 without sales before, 6 / 50 after.
    // Total 15 / 100 = 0.15 -> 16 / 100 = 0.16. Mean total ratio 0.155.
    // A: rate (0.2 - 0.1) * (1 + 0.5) / 2 = 0.075; mix (0.5 - 1) * (0.15 - 0.155) = 0.0025.
    // B: ratio 0.12 borrowed for the base, rate 0; mix (0.5 - 0) * (0.12 - 0.155) - 5 / 100
    //    = -0.0175 - 0.05 = -0.0675. Sum 0.075 + 0.0025 - 0.0675 = 0.01.
    Split split = SegmentSplit.mixAndRate(0.15, 0.16,
        List.of(ratio("A", 10, 100, 10, 50), ratio("B", 5, 0, 6, 50)));

    assertThat(split.effects().get(0).rate()).isCloseTo(0.075, within(EXACT));
    assertThat(split.effects().get(0).mix()).isCloseTo(0.0025, within(EXACT));
    assertThat(split.effects().get(1).rate()).isEqualTo(0.0);
    assertThat(split.effects().get(1).mix()).isCloseTo(-0.0675, within(EXACT));
    assertThat(Math.abs(split.residual())).isLessThan(EXACT);
  }

  @Test
  void zeroTotalDenominatorGivesNoSplit() {
    assertThat(SegmentSplit.mixAndRate(0.1, 0.2, List.of(ratio("A", 0, 0, 1, 10)))).isNull();
  }
}
