package dev.arbor;

/**
 * An expected failure with a message written for the person running Arbor. The category decides
 * the exit code and is recorded in the runs table, so failures can be counted by kind.
 */
public final class ArborException extends RuntimeException {

  /** Kind of failure. */
  public enum Category {
    /** Config or command-line arguments are invalid; exit code 2. */
    INVALID_CONFIG(2),
    /** An input table is missing or does not match its declared schema; exit code 2. */
    INVALID_INPUT(2),
    /** Input data failed a data-quality check; exit code 1. */
    DATA_QUALITY(1),
    /** Writing or committing an output failed; exit code 1. */
    OUTPUT(1),
    /** Another run of the same tree holds its lease; exit code 1, safe to retry later. */
    CONFLICT(1),
    /** Anything else; exit code 1. */
    INTERNAL(1);

    private final int exitCode;

    Category(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Category category;

  public ArborException(Category category, String message, Throwable cause) {
    super(message, cause);
    this.category = category;
  }

  public static ArborException input(String message, Throwable cause) {
    return new ArborException(Category.INVALID_INPUT, message, cause);
  }

  public static ArborException usage(String message) {
    return new ArborException(Category.INVALID_CONFIG, message, null);
  }

  public static ArborException data(String message, Throwable cause) {
    return new ArborException(Category.DATA_QUALITY, message, cause);
  }

  public static ArborException output(String message, Throwable cause) {
    return new ArborException(Category.OUTPUT, message, cause);
  }

  public Category category() {
    return category;
  }

  /**
   * Returns {@code e} as an ArborException: unchanged if it is one, else categorized by type, with
   * the first line of its message, which for Spark errors names the failing expression.
   */
  public static ArborException classify(Throwable e) {
    if (e instanceof ArborException arbor) {
      return arbor;
    }
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    String firstLine = newline > 0 ? message.substring(0, newline) : message;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ArithmeticException) {
        return data(
            "Arithmetic overflow or invalid value in the input data: " + firstLine
                + ". Cast large sums to DECIMAL(38, s) or DOUBLE in the measure expression.",
            e);
      }
      if (cause instanceof org.apache.spark.sql.AnalysisException) {
        return input("Spark cannot evaluate an expression of the config: " + firstLine, e);
      }
    }
    return new ArborException(Category.INTERNAL, e.getClass().getSimpleName() + ": " + firstLine, e);
  }
}
