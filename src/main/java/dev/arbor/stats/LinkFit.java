package dev.arbor.stats;

import static dev.arbor.stats.Validation.requireNonNull;
import static dev.arbor.stats.Validation.requireUnitIntervalOrNull;

import java.util.List;

/**
 * Evidence for one hypothesis link at one run: the fit at the chosen lag, and the fits at every lag
 * tried.
 *
 * <p>The statistics repeat those of the chosen {@link LagFit} (see there for units and meaning) and
 * are null when no lag produced estimates, in which case {@code status} and {@code reason} are
 * those of the lag with the most aligned points. No field is ever NaN or infinite.
 *
 * @param status status of the chosen lag, or of the most informative failed lag
 * @param reason human-readable explanation, naming the lag
 * @param transform transform applied to every series before fitting
 * @param confidenceLevel level of the slope and elasticity intervals, such as 0.95
 * @param lagsTested number of lags that produced a p-value: the {@code m} of the lag correction
 * @param lag chosen lag: the one with the smallest p-value, the smaller lag on ties
 * @param numberOfPoints aligned points at the chosen lag, or at the reported failed lag
 * @param lagAdjustedPValue Bonferroni-corrected p-value {@code min(1, m * pValue)}, which accounts
 *     for choosing the best of {@code m} lags; feed this to {@link BenjaminiHochberg}
 * @param lagFits one fit per lag of the link's range, in increasing lag order, up to the series
 *     length: larger lags align no point and are left out
 */
public record LinkFit(
    FitStatus status,
    String reason,
    SeriesTransform transform,
    double confidenceLevel,
    int lagsTested,
    Integer lag,
    int numberOfPoints,
    Integer degreesOfFreedom,
    Double intercept,
    Double slope,
    Double slopeStandardError,
    Double slopeLower,
    Double slopeUpper,
    Double tStatistic,
    Double pValue,
    Double lagAdjustedPValue,
    Double rSquared,
    Double elasticity,
    Double elasticityLower,
    Double elasticityUpper,
    Double signStability,
    List<LagFit> lagFits) {

  /** Validates the invariants stated on the type and copies {@code lagFits}. */
  public LinkFit {
    requireNonNull("status", status);
    requireNonNull("reason", reason);
    requireNonNull("transform", transform);
    requireNonNull("lagFits", lagFits);
    requireUnitIntervalOrNull("lagAdjustedPValue", lagAdjustedPValue);
    if (status.hasEstimates() != (lag != null)) {
      throw new IllegalArgumentException(
          "Invalid LinkFit: status " + status + " with chosen lag " + lag);
    }
    if (status.hasEstimates() && lagAdjustedPValue == null) {
      throw new IllegalArgumentException(
          "Invalid LinkFit: status " + status + " needs a lag-adjusted p-value");
    }
    lagFits = List.copyOf(lagFits);
  }

  /** Creates a fit that reports the chosen lag's statistics and the lag-adjusted p-value. */
  static LinkFit chosen(
      LagFit chosen,
      String reason,
      SeriesTransform transform,
      double confidenceLevel,
      int lagsTested,
      double lagAdjustedPValue,
      List<LagFit> lagFits) {
    return new LinkFit(
        chosen.status(),
        reason,
        transform,
        confidenceLevel,
        lagsTested,
        chosen.lag(),
        chosen.numberOfPoints(),
        chosen.degreesOfFreedom(),
        chosen.intercept(),
        chosen.slope(),
        chosen.slopeStandardError(),
        chosen.slopeLower(),
        chosen.slopeUpper(),
        chosen.tStatistic(),
        chosen.pValue(),
        lagAdjustedPValue,
        chosen.rSquared(),
        chosen.elasticity(),
        chosen.elasticityLower(),
        chosen.elasticityUpper(),
        chosen.signStability(),
        lagFits);
  }

  /** Creates a fit without estimates that reports the status of a failed lag. */
  static LinkFit failed(
      LagFit reported, SeriesTransform transform, double confidenceLevel, List<LagFit> lagFits) {
    return new LinkFit(
        reported.status(),
        reported.reason(),
        transform,
        confidenceLevel,
        0,
        null,
        reported.numberOfPoints(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        lagFits);
  }
}
