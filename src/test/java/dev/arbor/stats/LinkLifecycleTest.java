package dev.arbor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class LinkLifecycleTest {

  private static final LocalDate FIRST_RUN = LocalDate.of(2025, 1, 5);

  private final LinkLifecycle lifecycle = new LinkLifecycle();

  private static LocalDate week(int index) {
    return FIRST_RUN.plusWeeks(index);
  }

  private static LinkEvaluation evaluation(int week, EvaluationStatus status) {
    return new LinkEvaluation(week(week), status, "test verdict", 0.01, 0.5, 0.9, 1.0);
  }

  private static LinkEvaluation evaluation(
      int week, EvaluationStatus status, double rSquared, double signStability) {
    return new LinkEvaluation(
        week(week), status, "test verdict", 0.01, 0.5, rSquared, signStability);
  }

  @Test
  void fullSequenceOfRuns() {
    LinkState state = LinkState.untested();

    LifecycleStep first = lifecycle.apply(state, evaluation(0, EvaluationStatus.SUPPORTED));
    assertThat(first.state().status()).isEqualTo(LinkStatus.SUPPORTED);
    assertThat(first.transition().from()).isEqualTo(LinkStatus.UNTESTED);
    assertThat(first.transition().to()).isEqualTo(LinkStatus.SUPPORTED);
    assertThat(first.transition().asOfDate()).isEqualTo(week(0));

    LifecycleStep second =
        lifecycle.apply(first.state(), evaluation(1, EvaluationStatus.SUPPORTED));
    assertThat(second.state().status()).isEqualTo(LinkStatus.SUPPORTED);
    assertThat(second.state().consecutiveSupported()).isEqualTo(2);
    assertThat(second.changed()).isFalse();

    LifecycleStep third =
        lifecycle.apply(second.state(), evaluation(2, EvaluationStatus.SUPPORTED));
    assertThat(third.state().status()).isEqualTo(LinkStatus.VALIDATED);
    assertThat(third.transition().from()).isEqualTo(LinkStatus.SUPPORTED);
    assertThat(third.transition().reason())
        .isEqualTo("supported in 3 consecutive evaluations (threshold 3); latest: test verdict");
    assertThat(third.state().hardeningCandidate()).isTrue();

    // One noisy run does not flip a validated link.
    LifecycleStep noisy =
        lifecycle.apply(third.state(), evaluation(3, EvaluationStatus.CONTRADICTED));
    assertThat(noisy.state().status()).isEqualTo(LinkStatus.VALIDATED);
    assertThat(noisy.changed()).isFalse();
    assertThat(noisy.state().consecutiveNotSupported()).isEqualTo(1);
    assertThat(noisy.state().hardeningCandidate()).isFalse();

    LifecycleStep recovered =
        lifecycle.apply(noisy.state(), evaluation(4, EvaluationStatus.SUPPORTED));
    assertThat(recovered.state().status()).isEqualTo(LinkStatus.VALIDATED);
    assertThat(recovered.state().consecutiveNotSupported()).isZero();

    // Two failing runs in a row weaken it.
    LifecycleStep firstFailure =
        lifecycle.apply(recovered.state(), evaluation(5, EvaluationStatus.INCONCLUSIVE));
    assertThat(firstFailure.state().status()).isEqualTo(LinkStatus.VALIDATED);
    LifecycleStep secondFailure =
        lifecycle.apply(firstFailure.state(), evaluation(6, EvaluationStatus.INCONCLUSIVE));
    assertThat(secondFailure.state().status()).isEqualTo(LinkStatus.WEAKENED);
    assertThat(secondFailure.transition().from()).isEqualTo(LinkStatus.VALIDATED);
    assertThat(secondFailure.transition().reason())
        .isEqualTo(
            "not supported in 2 consecutive evaluations (threshold 2);"
                + " latest inconclusive: test verdict");

    LifecycleStep hardened = lifecycle.harden(secondFailure.state(), week(7));
    assertThat(hardened.state().status()).isEqualTo(LinkStatus.HARDENED);
    assertThat(hardened.transition().from()).isEqualTo(LinkStatus.WEAKENED);
    assertThat(hardened.transition().reason()).isEqualTo("link kind changed to formula");

    LifecycleStep pruned = lifecycle.prune(hardened.state(), week(8));
    assertThat(pruned.state().status()).isEqualTo(LinkStatus.PRUNED);
    assertThat(pruned.transition().from()).isEqualTo(LinkStatus.HARDENED);
    assertThat(pruned.transition().reason()).isEqualTo("link removed from the tree");
  }

  @Test
  void firstEvaluationSetsVerdictStatus() {
    LinkState untested = LinkState.untested();

    assertThat(
            lifecycle
                .apply(untested, evaluation(0, EvaluationStatus.INSUFFICIENT_DATA))
                .state()
                .status())
        .isEqualTo(LinkStatus.INSUFFICIENT_DATA);
    assertThat(
            lifecycle
                .apply(untested, evaluation(0, EvaluationStatus.INCONCLUSIVE))
                .state()
                .status())
        .isEqualTo(LinkStatus.INCONCLUSIVE);
    assertThat(
            lifecycle
                .apply(untested, evaluation(0, EvaluationStatus.CONTRADICTED))
                .state()
                .status())
        .isEqualTo(LinkStatus.CONTRADICTED);
  }

  @Test
  void rerunOfSameDateDoesNotCountTwice() {
    LifecycleStep first =
        lifecycle.apply(LinkState.untested(), evaluation(0, EvaluationStatus.SUPPORTED));
    LifecycleStep second =
        lifecycle.apply(first.state(), evaluation(1, EvaluationStatus.SUPPORTED));

    LifecycleStep rerun =
        lifecycle.apply(second.state(), evaluation(1, EvaluationStatus.SUPPORTED));
    LifecycleStep rerunAgain =
        lifecycle.apply(rerun.state(), evaluation(1, EvaluationStatus.SUPPORTED));

    assertThat(rerun.state()).isEqualTo(second.state());
    assertThat(rerun.changed()).isFalse();
    assertThat(rerunAgain.state().consecutiveSupported()).isEqualTo(2);
    assertThat(rerunAgain.state().status()).isEqualTo(LinkStatus.SUPPORTED);
  }

  @Test
  void rerunOfTransitionDateDoesNotDuplicateTransition() {
    LinkState state = LinkState.untested();
    for (int week = 0; week < 3; week++) {
      state = lifecycle.apply(state, evaluation(week, EvaluationStatus.SUPPORTED)).state();
    }
    assertThat(state.status()).isEqualTo(LinkStatus.VALIDATED);

    LifecycleStep rerun = lifecycle.apply(state, evaluation(2, EvaluationStatus.SUPPORTED));

    assertThat(rerun.transition()).isNull();
    assertThat(rerun.state()).isEqualTo(state);
  }

  @Test
  void rerunWithDifferentVerdictKeepsFirstResult() {
    LifecycleStep first =
        lifecycle.apply(LinkState.untested(), evaluation(0, EvaluationStatus.SUPPORTED));

    LifecycleStep rerun =
        lifecycle.apply(first.state(), evaluation(0, EvaluationStatus.CONTRADICTED));

    assertThat(rerun.state().status()).isEqualTo(LinkStatus.SUPPORTED);
    assertThat(rerun.changed()).isFalse();
  }

  @Test
  void repeatedPruneAndHardenAreIdempotent() {
    LinkState supported =
        lifecycle.apply(LinkState.untested(), evaluation(0, EvaluationStatus.SUPPORTED)).state();

    LifecycleStep hardened = lifecycle.harden(supported, week(1));
    LifecycleStep hardenedAgain = lifecycle.harden(hardened.state(), week(1));
    LifecycleStep pruned = lifecycle.prune(hardened.state(), week(2));
    LifecycleStep prunedAgain = lifecycle.prune(pruned.state(), week(2));

    assertThat(hardenedAgain.changed()).isFalse();
    assertThat(hardenedAgain.state()).isEqualTo(hardened.state());
    assertThat(prunedAgain.changed()).isFalse();
    assertThat(prunedAgain.state()).isEqualTo(pruned.state());
  }

  @Test
  void untestedLinkCanBeHardenedOrPruned() {
    LifecycleStep hardened = lifecycle.harden(LinkState.untested(), week(0));
    LifecycleStep pruned = lifecycle.prune(LinkState.untested(), week(0));

    assertThat(hardened.transition().from()).isEqualTo(LinkStatus.UNTESTED);
    assertThat(hardened.state().lastAsOfDate()).isEqualTo(week(0));
    assertThat(pruned.state().status()).isEqualTo(LinkStatus.PRUNED);
  }

  @Test
  void weakenedLinkStaysWeakenedUntilSupportedOrContradicted() {
    LinkState weakened = new LinkState(LinkStatus.WEAKENED, 0, 2, week(0), false);

    LifecycleStep inconclusive =
        lifecycle.apply(weakened, evaluation(1, EvaluationStatus.INCONCLUSIVE));
    LifecycleStep noData =
        lifecycle.apply(inconclusive.state(), evaluation(2, EvaluationStatus.INSUFFICIENT_DATA));
    LifecycleStep contradicted =
        lifecycle.apply(weakened, evaluation(1, EvaluationStatus.CONTRADICTED));
    LifecycleStep supported = lifecycle.apply(weakened, evaluation(1, EvaluationStatus.SUPPORTED));

    assertThat(inconclusive.state().status()).isEqualTo(LinkStatus.WEAKENED);
    assertThat(noData.state().status()).isEqualTo(LinkStatus.WEAKENED);
    assertThat(contradicted.state().status()).isEqualTo(LinkStatus.CONTRADICTED);
    assertThat(supported.state().status()).isEqualTo(LinkStatus.SUPPORTED);
  }

  @Test
  void weakenedLinkIsValidatedAgainAfterThreeSupportedRuns() {
    LinkState state = new LinkState(LinkStatus.WEAKENED, 0, 2, week(0), false);
    for (int week = 1; week <= 3; week++) {
      state = lifecycle.apply(state, evaluation(week, EvaluationStatus.SUPPORTED)).state();
    }

    assertThat(state.status()).isEqualTo(LinkStatus.VALIDATED);
  }

  @Test
  void insufficientDataBreaksSupportedStreak() {
    LinkState state = LinkState.untested();
    state = lifecycle.apply(state, evaluation(0, EvaluationStatus.SUPPORTED)).state();
    state = lifecycle.apply(state, evaluation(1, EvaluationStatus.SUPPORTED)).state();
    state = lifecycle.apply(state, evaluation(2, EvaluationStatus.INSUFFICIENT_DATA)).state();
    state = lifecycle.apply(state, evaluation(3, EvaluationStatus.SUPPORTED)).state();

    assertThat(state.status()).isEqualTo(LinkStatus.SUPPORTED);
    assertThat(state.consecutiveSupported()).isEqualTo(1);
  }

  @Test
  void hardeningCandidateNeedsHighAndStableFit() {
    LinkState validated = new LinkState(LinkStatus.VALIDATED, 3, 0, week(0), false);

    LinkState lowFit =
        lifecycle.apply(validated, evaluation(1, EvaluationStatus.SUPPORTED, 0.5, 1.0)).state();
    LinkState unstable =
        lifecycle.apply(validated, evaluation(1, EvaluationStatus.SUPPORTED, 0.95, 0.75)).state();
    LinkState strong =
        lifecycle.apply(validated, evaluation(1, EvaluationStatus.SUPPORTED, 0.95, 1.0)).state();

    assertThat(lowFit.hardeningCandidate()).isFalse();
    assertThat(unstable.hardeningCandidate()).isFalse();
    assertThat(strong.hardeningCandidate()).isTrue();
  }

  @Test
  void customThresholdsApply() {
    LinkLifecycle quick = new LinkLifecycle(1, 1, 0.5, 0.5);

    LinkState validated =
        quick.apply(LinkState.untested(), evaluation(0, EvaluationStatus.SUPPORTED)).state();
    LinkState weakened =
        quick.apply(validated, evaluation(1, EvaluationStatus.INCONCLUSIVE)).state();

    assertThat(validated.status()).isEqualTo(LinkStatus.VALIDATED);
    assertThat(weakened.status()).isEqualTo(LinkStatus.WEAKENED);
  }

  @Test
  void earlierDateIsRejected() {
    LinkState state =
        lifecycle.apply(LinkState.untested(), evaluation(2, EvaluationStatus.SUPPORTED)).state();

    assertThatThrownBy(() -> lifecycle.apply(state, evaluation(1, EvaluationStatus.SUPPORTED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid as-of date: 2025-01-12 is before the previous one, 2025-01-19");
  }

  @Test
  void evaluationOfTerminalLinkIsRejected() {
    LinkState pruned = lifecycle.prune(LinkState.untested(), week(0)).state();

    assertThatThrownBy(() -> lifecycle.apply(pruned, evaluation(1, EvaluationStatus.SUPPORTED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid evaluation: the link is PRUNED");
    assertThatThrownBy(() -> lifecycle.harden(pruned, week(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid event HARDENED: the link is already PRUNED");
  }

  @Test
  void statusCodesRoundTrip() {
    for (LinkStatus status : LinkStatus.values()) {
      assertThat(LinkStatus.fromCode(status.code())).isEqualTo(status);
    }
    assertThat(LinkStatus.INSUFFICIENT_DATA.code()).isEqualTo("insufficient_data");
    assertThatThrownBy(() -> LinkStatus.fromCode("VALIDATED"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid link status code: VALIDATED");
  }

  @Test
  void inconsistentStateIsRejected() {
    assertThatThrownBy(() -> new LinkState(LinkStatus.SUPPORTED, 1, 0, null, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid lastAsOfDate: null for status SUPPORTED");
    assertThatThrownBy(() -> new LinkState(LinkStatus.SUPPORTED, 1, 0, week(0), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid hardeningCandidate: true for status SUPPORTED, expected VALIDATED");
  }
}
