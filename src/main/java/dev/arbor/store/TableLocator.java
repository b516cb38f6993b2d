package dev.arbor.store;

import dev.arbor.ArborException;
import dev.arbor.config.TableRef;
import dev.arbor.config.WarehouseSettings;
import io.delta.tables.DeltaTable;
import java.net.URI;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Resolves where tables live: output tables in the warehouse (a folder, an object-store URI, or a
 * catalog database) and source tables given by relative or absolute paths.
 */
public final class TableLocator {
  private final SparkSession spark;
  private final WarehouseSettings warehouse;

  public TableLocator(SparkSession spark, WarehouseSettings warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  public WarehouseSettings warehouse() {
    return warehouse;
  }

  /** Returns the path of an output table such as {@code node_values}, or its catalog name. */
  public String output(String table) {
    if (warehouse.usesCatalog()) {
      return warehouse.catalogDatabase() + "." + table;
    }
    return join(warehouse.path(), table);
  }

  /** Returns a path under the warehouse folder, for files that are never catalog tables. */
  public String warehousePath(String relative) {
    return join(warehouse.path(), relative);
  }

  /** Returns the SQL reference of an output table: {@code delta.`path`} or {@code db.table}. */
  public String sqlName(String table) {
    return warehouse.usesCatalog() ? output(table) : "delta.`" + output(table) + "`";
  }

  /** Resolves a source table's location; relative paths are under the warehouse. */
  public String sourceLocation(TableRef table) {
    if (table.isCatalogTable()) {
      return table.location();
    }
    return isAbsolute(table.location()) ? table.location() : join(warehouse.path(), table.location());
  }

  /** Reads an output table. */
  public org.apache.spark.sql.Dataset<Row> read(String table) {
    return warehouse.usesCatalog()
        ? spark.table(output(table))
        : spark.read().format("delta").load(output(table));
  }

  /** Returns whether a Delta table exists at an output location. */
  public boolean exists(String table) {
    if (warehouse.usesCatalog()) {
      return spark.catalog().tableExists(output(table));
    }
    return DeltaTable.isDeltaTable(spark, output(table));
  }

  /** Returns whether a Delta table exists at a path. */
  public boolean isDeltaTable(String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /** Returns the latest version of the Delta table at {@code location} (a path or a table name). */
  public long deltaVersion(String location) {
    try {
      DeltaTable table =
          isAbsolute(location) || location.contains("/")
              ? DeltaTable.forPath(spark, location)
              : DeltaTable.forName(spark, location);
      Row latest = table.history(1).select("version").head();
      return latest.getLong(0);
    } catch (Exception e) {
      throw ArborException.input(
          "No Delta table at " + location + ": " + firstLine(e)
              + ". Run 'ingest' for the source, or fix its table path.", e);
    }
  }

  /** Returns the latest version of an output table, or -1 when it does not exist yet. */
  public long outputVersion(String table) {
    if (!exists(table)) {
      return -1;
    }
    return deltaVersion(output(table));
  }

  private static boolean isAbsolute(String path) {
    if (path.startsWith("/")) {
      return true;
    }
    try {
      return URI.create(path).getScheme() != null && path.contains("://");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String join(String base, String child) {
    return base.endsWith("/") ? base + child : base + "/" + child;
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }
}
