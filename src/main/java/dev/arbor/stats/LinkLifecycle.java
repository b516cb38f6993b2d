package dev.arbor.stats;

import java.time.LocalDate;
import java.util.Locale;

/**
 * State machine of a hypothesis link's status across runs, with hysteresis around VALIDATED.
 *
 * <p>Rules applied by {@link #apply} to each new evaluation, in this order:
 *
 * <ol>
 *   <li>An evaluation with the as-of date of the previous one is a re-run and changes nothing. An
 *       earlier date is rejected.
 *   <li>A SUPPORTED evaluation adds 1 to the supported streak and clears the not-supported streak.
 *       Any other verdict, INSUFFICIENT_DATA included, does the reverse.
 *   <li>A VALIDATED link stays VALIDATED until its not-supported streak reaches {@code weakenAfter}
 *       (default 2), and then becomes WEAKENED.
 *   <li>Any other link becomes VALIDATED once its supported streak reaches {@code validateAfter}
 *       (default 3).
 *   <li>A WEAKENED link stays WEAKENED on an INCONCLUSIVE or INSUFFICIENT_DATA verdict.
 *   <li>Otherwise the status becomes the verdict: INSUFFICIENT_DATA, INCONCLUSIVE, SUPPORTED or
 *       CONTRADICTED.
 * </ol>
 *
 * <p>A VALIDATED link whose latest evaluation is SUPPORTED with R squared at least {@code
 * hardeningMinRSquared} (default 0.8) and sign stability at least {@code hardeningMinSignStability}
 * (default 1.0, every sub-window agreeing) is flagged as a hardening candidate. The caller reports
 * structural changes with {@link #harden} (the link became a formula) and {@link #prune} (the link
 * left the tree). HARDENED and PRUNED links take no more evaluations, and of the two only a
 * HARDENED link can still change, by being pruned.
 *
 * <p>The machine is pure: it keeps no state of its own, and the same inputs give the same result.
 */
public final class LinkLifecycle {

  /** Consecutive SUPPORTED evaluations that validate a link unless set otherwise. */
  public static final int DEFAULT_VALIDATE_AFTER = 3;

  /** Consecutive evaluations without support that weaken a validated link unless set otherwise. */
  public static final int DEFAULT_WEAKEN_AFTER = 2;

  /** Smallest R squared of a hardening candidate unless set otherwise. */
  public static final double DEFAULT_HARDENING_MIN_R_SQUARED = 0.8;

  /** Smallest sign stability of a hardening candidate unless set otherwise. */
  public static final double DEFAULT_HARDENING_MIN_SIGN_STABILITY = 1.0;

  private final int validateAfter;
  private final int weakenAfter;
  private final double hardeningMinRSquared;
  private final double hardeningMinSignStability;

  /** Creates a lifecycle with the default thresholds. */
  public LinkLifecycle() {
    this(
        DEFAULT_VALIDATE_AFTER,
        DEFAULT_WEAKEN_AFTER,
        DEFAULT_HARDENING_MIN_R_SQUARED,
        DEFAULT_HARDENING_MIN_SIGN_STABILITY);
  }

  /**
   * Creates a lifecycle with custom thresholds.
   *
   * @param validateAfter consecutive SUPPORTED evaluations that validate a link, at least 1
   * @param weakenAfter consecutive evaluations without support that weaken a validated link, at
   *     least 1
   * @param hardeningMinRSquared smallest R squared of a hardening candidate, in [0, 1]
   * @param hardeningMinSignStability smallest sign stability of a hardening candidate, in [0, 1]
   * @throws IllegalArgumentException if a threshold is out of range
   */
  public LinkLifecycle(
      int validateAfter,
      int weakenAfter,
      double hardeningMinRSquared,
      double hardeningMinSignStability) {
    if (validateAfter < 1) {
      throw new IllegalArgumentException(
          "Invalid validateAfter: " + validateAfter + ", expected at least 1");
    }
    if (weakenAfter < 1) {
      throw new IllegalArgumentException(
          "Invalid weakenAfter: " + weakenAfter + ", expected at least 1");
    }
    Validation.requireUnitIntervalOrNull("hardeningMinRSquared", hardeningMinRSquared);
    Validation.requireUnitIntervalOrNull("hardeningMinSignStability", hardeningMinSignStability);
    this.validateAfter = validateAfter;
    this.weakenAfter = weakenAfter;
    this.hardeningMinRSquared = hardeningMinRSquared;
    this.hardeningMinSignStability = hardeningMinSignStability;
  }

  /**
   * Applies a new evaluation to a link's state.
   *
   * @param previous state after the previous evaluation
   * @param evaluation the new evaluation
   * @return the new state, with the transition when the status changed; {@code previous} without a
   *     transition when the evaluation has the same as-of date as the previous one
   * @throws IllegalArgumentException if an argument is null, the link is HARDENED or PRUNED, or the
   *     as-of date is earlier than the previous one
   */
  public LifecycleStep apply(LinkState previous, LinkEvaluation evaluation) {
    Validation.requireNonNull("previous", previous);
    Validation.requireNonNull("evaluation", evaluation);
    if (previous.status().isTerminal()) {
      throw new IllegalArgumentException(
          "Invalid evaluation: the link is "
              + previous.status()
              + ", and only hypothesis links in the tree are evaluated");
    }
    LocalDate asOf = evaluation.asOfDate();
    if (previous.lastAsOfDate() != null) {
      if (asOf.equals(previous.lastAsOfDate())) {
        return new LifecycleStep(previous, null);
      }
      requireNotBefore(asOf, previous);
    }

    boolean supported = evaluation.status() == EvaluationStatus.SUPPORTED;
    int supportedStreak = supported ? previous.consecutiveSupported() + 1 : 0;
    int notSupportedStreak = supported ? 0 : previous.consecutiveNotSupported() + 1;

    LinkStatus from = previous.status();
    LinkStatus to;
    String reason;
    if (from == LinkStatus.VALIDATED) {
      if (notSupportedStreak >= weakenAfter) {
        to = LinkStatus.WEAKENED;
        reason =
            String.format(
                Locale.ROOT,
                "not supported in %d consecutive evaluations (threshold %d); latest %s: %s",
                notSupportedStreak,
                weakenAfter,
                evaluation.status().name().toLowerCase(Locale.ROOT),
                evaluation.reason());
      } else {
        to = LinkStatus.VALIDATED;
        reason = null;
      }
    } else if (supportedStreak >= validateAfter) {
      to = LinkStatus.VALIDATED;
      reason =
          String.format(
              Locale.ROOT,
              "supported in %d consecutive evaluations (threshold %d); latest: %s",
              supportedStreak,
              validateAfter,
              evaluation.reason());
    } else if (from == LinkStatus.WEAKENED
        && (evaluation.status() == EvaluationStatus.INCONCLUSIVE
            || evaluation.status() == EvaluationStatus.INSUFFICIENT_DATA)) {
      to = LinkStatus.WEAKENED;
      reason = null;
    } else {
      to = verdictStatus(evaluation.status());
      reason =
          "evaluated as "
              + evaluation.status().name().toLowerCase(Locale.ROOT)
              + ": "
              + evaluation.reason();
    }

    boolean hardeningCandidate =
        to == LinkStatus.VALIDATED
            && supported
            && evaluation.rSquared() != null
            && evaluation.rSquared() >= hardeningMinRSquared
            && evaluation.signStability() != null
            && evaluation.signStability() >= hardeningMinSignStability;
    LinkState state =
        new LinkState(to, supportedStreak, notSupportedStreak, asOf, hardeningCandidate);
    LinkTransition transition = to == from ? null : new LinkTransition(from, to, asOf, reason);
    return new LifecycleStep(state, transition);
  }

  /**
   * Records that the link's kind changed from hypothesis to formula.
   *
   * @param previous the link's state
   * @param asOfDate date of the run that saw the change
   * @return HARDENED with its transition; {@code previous} without a transition if already HARDENED
   * @throws IllegalArgumentException if an argument is null, the link is PRUNED, or the date is
   *     earlier than the previous as-of date
   */
  public LifecycleStep harden(LinkState previous, LocalDate asOfDate) {
    return terminate(previous, asOfDate, LinkStatus.HARDENED, "link kind changed to formula");
  }

  /**
   * Records that the link was removed from the tree.
   *
   * @param previous the link's state
   * @param asOfDate date of the run that saw the removal
   * @return PRUNED with its transition; {@code previous} without a transition if already PRUNED
   * @throws IllegalArgumentException if an argument is null or the date is earlier than the
   *     previous as-of date
   */
  public LifecycleStep prune(LinkState previous, LocalDate asOfDate) {
    return terminate(previous, asOfDate, LinkStatus.PRUNED, "link removed from the tree");
  }

  private LifecycleStep terminate(
      LinkState previous, LocalDate asOfDate, LinkStatus to, String reason) {
    Validation.requireNonNull("previous", previous);
    Validation.requireNonNull("asOfDate", asOfDate);
    if (previous.status() == to) {
      return new LifecycleStep(previous, null);
    }
    if (previous.status() == LinkStatus.PRUNED) {
      throw new IllegalArgumentException("Invalid event " + to + ": the link is already PRUNED");
    }
    if (previous.lastAsOfDate() != null) {
      requireNotBefore(asOfDate, previous);
    }
    LinkState state = new LinkState(to, 0, 0, asOfDate, false);
    return new LifecycleStep(state, new LinkTransition(previous.status(), to, asOfDate, reason));
  }

  private static void requireNotBefore(LocalDate asOfDate, LinkState previous) {
    if (asOfDate.isBefore(previous.lastAsOfDate())) {
      throw new IllegalArgumentException(
          "Invalid as-of date: "
              + asOfDate
              + " is before the previous one, "
              + previous.lastAsOfDate()
              + "; replay the link's evaluations in date order from an earlier state");
    }
  }

  private static LinkStatus verdictStatus(EvaluationStatus status) {
    switch (status) {
      case INSUFFICIENT_DATA:
        return LinkStatus.INSUFFICIENT_DATA;
      case INCONCLUSIVE:
        return LinkStatus.INCONCLUSIVE;
      case SUPPORTED:
        return LinkStatus.SUPPORTED;
      case CONTRADICTED:
        return LinkStatus.CONTRADICTED;
      default:
        throw new AssertionError("Unhandled evaluation status " + status);
    }
  }
}
