package dev.arbor.config;

import java.util.Map;

/**
 * Where a source's events are stored.
 *
 * @param format {@code delta}, {@code parquet}, {@code csv} or {@code table} (a catalog table)
 * @param location a path for files (relative paths resolve against the warehouse), or a table name
 * @param options reader options, such as CSV's {@code header}
 */
public record TableRef(String format, String location, Map<String, String> options) {
  public TableRef {
    options = Map.copyOf(options);
  }

  public boolean isCatalogTable() {
    return "table".equals(format);
  }
}
