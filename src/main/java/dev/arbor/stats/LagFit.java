package dev.arbor.stats;

import static dev.arbor.stats.Validation.requireFiniteOrNull;
import static dev.arbor.stats.Validation.requireNonNull;
import static dev.arbor.stats.Validation.requireUnitIntervalOrNull;

/**
 * Fit of {@code y(t) = a + b * x(t - lag) + ...} at one lag, on the transformed series.
 *
 * <p>Every {@code Double} is null when {@code status} has no estimates (see {@link
 * FitStatus#hasEstimates()}), and is never NaN or infinite: the constructor rejects such values. On
 * {@link FitStatus#PERFECT_FIT} the standard error is 0, the t statistic is null and both intervals
 * have zero width.
 *
 * @param lag periods by which x leads y
 * @param status outcome of the fit
 * @param reason human-readable explanation of the status, never null
 * @param numberOfPoints aligned periods where y, x and every other regressor are present, set even
 *     when the fit failed
 * @param degreesOfFreedom points minus coefficients, the degrees of freedom of the t distribution
 * @param intercept fitted intercept {@code a}, in the unit of transformed y
 * @param slope fitted slope {@code b}: change in transformed y per unit of transformed x
 * @param slopeStandardError standard error of {@code b}
 * @param slopeLower lower end of the two-sided confidence interval for {@code b}
 * @param slopeUpper upper end of that interval
 * @param tStatistic {@code b / se(b)}
 * @param pValue two-sided p-value of {@code b = 0} from Student's t, not corrected for the choice
 *     of lag
 * @param rSquared coefficient of determination of the whole model, trend and controls included
 * @param elasticity percent change in y per percent change in x, as described in {@link LinkFitter}
 * @param elasticityLower lower end of the elasticity's confidence interval
 * @param elasticityUpper upper end of that interval
 * @param signStability share, from 0 to 1, of the rolling sub-windows whose slope has the sign of
 *     {@code b}; null when no sub-window could be fitted
 */
public record LagFit(
    int lag,
    FitStatus status,
    String reason,
    int numberOfPoints,
    Integer degreesOfFreedom,
    Double intercept,
    Double slope,
    Double slopeStandardError,
    Double slopeLower,
    Double slopeUpper,
    Double tStatistic,
    Double pValue,
    Double rSquared,
    Double elasticity,
    Double elasticityLower,
    Double elasticityUpper,
    Double signStability) {

  /** Validates the invariants stated on the type. */
  public LagFit {
    requireNonNull("status", status);
    requireNonNull("reason", reason);
    if (lag < 0) {
      throw new IllegalArgumentException("Invalid lag: " + lag);
    }
    if (numberOfPoints < 0) {
      throw new IllegalArgumentException("Invalid numberOfPoints: " + numberOfPoints);
    }
    requireFiniteOrNull("intercept", intercept);
    requireFiniteOrNull("slope", slope);
    requireFiniteOrNull("slopeStandardError", slopeStandardError);
    requireFiniteOrNull("slopeLower", slopeLower);
    requireFiniteOrNull("slopeUpper", slopeUpper);
    requireFiniteOrNull("tStatistic", tStatistic);
    requireUnitIntervalOrNull("pValue", pValue);
    requireFiniteOrNull("rSquared", rSquared);
    requireFiniteOrNull("elasticity", elasticity);
    requireFiniteOrNull("elasticityLower", elasticityLower);
    requireFiniteOrNull("elasticityUpper", elasticityUpper);
    requireUnitIntervalOrNull("signStability", signStability);
    if (status.hasEstimates() && (slope == null || pValue == null || rSquared == null)) {
      throw new IllegalArgumentException(
          "Invalid LagFit: status " + status + " needs a slope, a p-value and R squared");
    }
    if (!status.hasEstimates() && (slope != null || pValue != null)) {
      throw new IllegalArgumentException(
          "Invalid LagFit: status " + status + " must not carry estimates");
    }
  }

  /** Creates the result of a fit that produced no estimates. */
  static LagFit failed(int lag, FitStatus status, String reason, int numberOfPoints) {
    return new LagFit(
        lag,
        status,
        reason,
        numberOfPoints,
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
        null);
  }
}
