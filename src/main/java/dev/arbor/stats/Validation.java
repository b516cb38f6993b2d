package dev.arbor.stats;

/** Argument checks shared by the records of this package. */
final class Validation {

  private Validation() {}

  /** Throws unless {@code value} is null or finite. */
  static void requireFiniteOrNull(String name, Double value) {
    if (value != null && !Double.isFinite(value)) {
      throw new IllegalArgumentException("Invalid " + name + ": " + value);
    }
  }

  /** Throws unless {@code value} is null or within {@code [0, 1]}. */
  static void requireUnitIntervalOrNull(String name, Double value) {
    if (value != null && !(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException("Invalid " + name + ": " + value + ", expected 0 to 1");
    }
  }

  /** Throws if {@code value} is null. */
  static <T> T requireNonNull(String name, T value) {
    if (value == null) {
      throw new IllegalArgumentException("Invalid " + name + ": null");
    }
    return value;
  }
}
