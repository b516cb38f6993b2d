package dev.arbor.planning;

import java.util.Map;

/**
 * One row of a bet or annotation ledger as written by its stewards, before validation.
 *
 * @param source the CSV file or Delta table the row came from
 * @param line line of the row in a CSV file (1-based, the header is line 1), or the 1-based row
 *     number in a Delta table
 * @param values field values by lower-case column name; a missing or empty field is ""
 */
public record LedgerRow(String source, int line, Map<String, String> values) {
  public LedgerRow {
    values = Map.copyOf(values);
  }

  /** Returns the trimmed value of {@code column}, or "" when it is absent. */
  public String get(String column) {
    String value = values.get(column);
    return value == null ? "" : value.trim();
  }

  /** Returns {@code file:line} for messages. */
  public String where() {
    return source + ":" + line;
  }
}
