package dev.arbor.stats;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Ordinary least squares by Householder QR (Commons Math {@link QRDecomposition}).
 *
 * <p>The design matrix is given in full, intercept column included. Each column is scaled to unit
 * Euclidean norm before the decomposition, so that the rank test does not depend on the units of
 * the regressors: column {@code j} counts as a linear combination of columns {@code 0..j-1} when
 * the diagonal entry {@code |R_jj|} of the scaled decomposition is at most {@link
 * #RELATIVE_TOLERANCE}, which means that less than that fraction of the column's norm lies outside
 * the span of the earlier columns.
 */
final class LeastSquares {

  /**
   * Relative tolerance shared by the rank test, the constant-series test and the perfect-fit test.
   */
  static final double RELATIVE_TOLERANCE = 1e-10;

  private LeastSquares() {}

  /** Result of {@link #fit}: either {@link Solved} or {@link Singular}. */
  sealed interface Outcome permits Solved, Singular {}

  /**
   * A fitted model.
   *
   * @param coefficients estimates, one per design column
   * @param standardErrors standard errors of the estimates, all 0 when {@code perfectFit}
   * @param residualSumOfSquares sum of squared residuals
   * @param totalSumOfSquares sum of squared deviations of y from its mean
   * @param degreesOfFreedom residual degrees of freedom, rows minus columns
   * @param perfectFit whether the residual norm is at most {@link #RELATIVE_TOLERANCE} times the
   *     norm of y's deviations from its mean, in which case the computed standard errors are
   *     rounding noise and are reported as 0
   */
  record Solved(
      double[] coefficients,
      double[] standardErrors,
      double residualSumOfSquares,
      double totalSumOfSquares,
      int degreesOfFreedom,
      boolean perfectFit)
      implements Outcome {

    /** Returns {@code 1 - RSS / TSS}, or 1 when y is constant and fitted exactly. */
    double rSquared() {
      if (totalSumOfSquares == 0.0) {
        return 1.0;
      }
      return 1.0 - residualSumOfSquares / totalSumOfSquares;
    }
  }

  /**
   * A design matrix without full column rank.
   *
   * @param dependentColumn first column that is a linear combination of the columns before it
   */
  record Singular(int dependentColumn) implements Outcome {}

  /**
   * Fits {@code y = design * beta} by least squares.
   *
   * @param design rows of regressor values, the same number of columns in every row
   * @param y responses, one per row
   * @return {@link Singular} when the columns are linearly dependent, otherwise {@link Solved}
   * @throws IllegalArgumentException if there are no more rows than columns, or the shapes differ
   */
  static Outcome fit(double[][] design, double[] y) {
    int rows = design.length;
    if (rows == 0 || rows != y.length) {
      throw new IllegalArgumentException(
          "Invalid design: " + rows + " rows for " + y.length + " responses");
    }
    int columns = design[0].length;
    if (rows <= columns) {
      throw new IllegalArgumentException(
          "Invalid design: " + rows + " rows for " + columns + " columns, need more rows");
    }

    double[] columnNorms = new double[columns];
    for (double[] row : design) {
      if (row.length != columns) {
        throw new IllegalArgumentException("Invalid design: rows of different lengths");
      }
      for (int j = 0; j < columns; j++) {
        columnNorms[j] += row[j] * row[j];
      }
    }
    for (int j = 0; j < columns; j++) {
      columnNorms[j] = Math.sqrt(columnNorms[j]);
      if (columnNorms[j] == 0.0) {
        return new Singular(j);
      }
    }

    double[][] scaled = new double[rows][columns];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns; j++) {
        scaled[i][j] = design[i][j] / columnNorms[j];
      }
    }
    QRDecomposition qr = new QRDecomposition(new Array2DRowRealMatrix(scaled, false));
    RealMatrix upper = qr.getR().getSubMatrix(0, columns - 1, 0, columns - 1);
    for (int j = 0; j < columns; j++) {
      if (Math.abs(upper.getEntry(j, j)) <= RELATIVE_TOLERANCE) {
        return new Singular(j);
      }
    }

    double[] scaledCoefficients = qr.getSolver().solve(new ArrayRealVector(y, false)).toArray();
    double[] coefficients = new double[columns];
    for (int j = 0; j < columns; j++) {
      coefficients[j] = scaledCoefficients[j] / columnNorms[j];
    }

    double residualSumOfSquares = 0.0;
    double mean = 0.0;
    for (int i = 0; i < rows; i++) {
      double fitted = 0.0;
      for (int j = 0; j < columns; j++) {
        fitted += design[i][j] * coefficients[j];
      }
      double residual = y[i] - fitted;
      residualSumOfSquares += residual * residual;
      mean += y[i];
    }
    mean /= rows;
    double totalSumOfSquares = 0.0;
    for (double value : y) {
      totalSumOfSquares += (value - mean) * (value - mean);
    }

    int degreesOfFreedom = rows - columns;
    boolean perfectFit =
        residualSumOfSquares <= RELATIVE_TOLERANCE * RELATIVE_TOLERANCE * totalSumOfSquares;
    double[] standardErrors = new double[columns];
    if (!perfectFit) {
      // Cov(beta_scaled) = sigma^2 (R^T R)^-1 = sigma^2 R^-1 R^-T, so its diagonal is sigma^2 times
      // the squared row norms of R^-1. Undo the column scaling afterwards.
      double errorVariance = residualSumOfSquares / degreesOfFreedom;
      RealMatrix upperInverse = MatrixUtils.inverse(upper);
      for (int j = 0; j < columns; j++) {
        double rowNormSquared = 0.0;
        for (int l = 0; l < columns; l++) {
          double entry = upperInverse.getEntry(j, l);
          rowNormSquared += entry * entry;
        }
        standardErrors[j] = Math.sqrt(errorVariance * rowNormSquared) / columnNorms[j];
      }
    }
    return new Solved(
        coefficients,
        standardErrors,
        residualSumOfSquares,
        totalSumOfSquares,
        degreesOfFreedom,
        perfectFit);
  }
}
