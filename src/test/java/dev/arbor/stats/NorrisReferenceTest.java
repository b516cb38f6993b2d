package dev.arbor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ordinary least squares against NIST StRD "Norris" (36 points, y = B0 + B1 * x), certified values
 * from https://www.itl.nist.gov/div898/strd/lls/data/LINKS/DATA/Norris.dat; the data file
 * src/test/resources/stats/norris.dat names its source.
 */
class NorrisReferenceTest {

  private static final double CERTIFIED_INTERCEPT = -0.262323073774029;
  private static final double CERTIFIED_INTERCEPT_SD = 0.232818234301152;
  private static final double CERTIFIED_SLOPE = 1.00211681802045;
  private static final double CERTIFIED_SLOPE_SD = 0.429796848199937E-03;
  private static final double CERTIFIED_R_SQUARED = 0.999993745883712;
  private static final double CERTIFIED_RESIDUAL_SUM_OF_SQUARES = 26.6173985294224;

  /** NIST certifies 15 significant digits; double-precision QR keeps at least 10 on this set. */
  private static final double RELATIVE_TOLERANCE = 1e-10;

  private static List<Double> x;
  private static List<Double> y;

  @BeforeAll
  static void readData() throws IOException {
    x = new ArrayList<>();
    y = new ArrayList<>();
    try (InputStream stream = NorrisReferenceTest.class.getResourceAsStream("/stats/norris.dat");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.trim().split("\\s+");
        y.add(Double.parseDouble(fields[0]));
        x.add(Double.parseDouble(fields[1]));
      }
    }
  }

  private static org.assertj.core.data.Offset<Double> relative(double expected) {
    return within(Math.abs(expected) * RELATIVE_TOLERANCE);
  }

  @Test
  void dataHas36Observations() {
    assertThat(x).hasSize(36);
    assertThat(y).hasSize(36);
  }

  @Test
  void leastSquaresMatchesCertifiedValues() {
    double[][] design = new double[x.size()][];
    double[] responses = new double[y.size()];
    for (int i = 0; i < x.size(); i++) {
      design[i] = new double[] {1.0, x.get(i)};
      responses[i] = y.get(i);
    }

    LeastSquares.Solved solved = (LeastSquares.Solved) LeastSquares.fit(design, responses);

    assertThat(solved.coefficients()[0])
        .isCloseTo(CERTIFIED_INTERCEPT, relative(CERTIFIED_INTERCEPT));
    assertThat(solved.coefficients()[1]).isCloseTo(CERTIFIED_SLOPE, relative(CERTIFIED_SLOPE));
    assertThat(solved.standardErrors()[0])
        .isCloseTo(CERTIFIED_INTERCEPT_SD, relative(CERTIFIED_INTERCEPT_SD));
    assertThat(solved.standardErrors()[1])
        .isCloseTo(CERTIFIED_SLOPE_SD, relative(CERTIFIED_SLOPE_SD));
    assertThat(solved.rSquared()).isCloseTo(CERTIFIED_R_SQUARED, relative(CERTIFIED_R_SQUARED));
    assertThat(solved.residualSumOfSquares())
        .isCloseTo(CERTIFIED_RESIDUAL_SUM_OF_SQUARES, relative(CERTIFIED_RESIDUAL_SUM_OF_SQUARES));
    assertThat(solved.degreesOfFreedom()).isEqualTo(34);
    assertThat(solved.perfectFit()).isFalse();
  }

  @Test
  void linkFitterOnLevelsMatchesCertifiedValues() {
    LinkFitter fitter =
        LinkFitter.builder().transform(SeriesTransform.LEVELS).trendOnLevels(false).build();

    LinkFit fit = fitter.fit(x, y, 0, 0);

    assertThat(fit.status()).isEqualTo(FitStatus.OK);
    assertThat(fit.numberOfPoints()).isEqualTo(36);
    assertThat(fit.degreesOfFreedom()).isEqualTo(34);
    assertThat(fit.intercept()).isCloseTo(CERTIFIED_INTERCEPT, relative(CERTIFIED_INTERCEPT));
    assertThat(fit.slope()).isCloseTo(CERTIFIED_SLOPE, relative(CERTIFIED_SLOPE));
    assertThat(fit.slopeStandardError())
        .isCloseTo(CERTIFIED_SLOPE_SD, relative(CERTIFIED_SLOPE_SD));
    assertThat(fit.rSquared()).isCloseTo(CERTIFIED_R_SQUARED, relative(CERTIFIED_R_SQUARED));
    double certifiedT = CERTIFIED_SLOPE / CERTIFIED_SLOPE_SD;
    assertThat(fit.tStatistic()).isCloseTo(certifiedT, relative(certifiedT));
    // t is about 2332 on 34 degrees of freedom, so the p-value is far below any threshold.
    assertThat(fit.pValue()).isBetween(0.0, 1e-50);
  }
}
