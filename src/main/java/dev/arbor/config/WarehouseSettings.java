package dev.arbor.config;

/**
 * Where output tables live.
 *
 * @param path folder (or HDFS or object-store URI) holding one Delta table per output
 * @param catalogDatabase when set, outputs are catalog tables in this database instead of paths
 */
public record WarehouseSettings(String path, String catalogDatabase) {
  public boolean usesCatalog() {
    return catalogDatabase != null && !catalogDatabase.isBlank();
  }
}
