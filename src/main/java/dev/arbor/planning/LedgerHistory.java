package dev.arbor.planning;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Merges a freshly loaded ledger into the stored history of a tree (type 2 slowly changing
 * dimension). Rows are keyed by {@code ledger_key} and compared by {@code content_hash}: an
 * unchanged row keeps its version, a changed one closes the current version and adds a new one,
 * and a key no longer in the ledger has its current version closed.
 */
final class LedgerHistory {
  private LedgerHistory() {}

  /**
   * Returns the tree's complete history after the load.
   *
   * @param stored every stored row of the tree, in the table's schema
   * @param loaded the rows of this load, in the same schema, each marked current with {@code
   *     valid_from = now} and change_type {@code added}
   */
  static List<Row> merge(StructType schema, List<Row> stored, List<Row> loaded, Timestamp now) {
    int key = schema.fieldIndex("ledger_key");
    int hash = schema.fieldIndex("content_hash");
    int validTo = schema.fieldIndex("valid_to");
    int current = schema.fieldIndex("is_current");
    int changeType = schema.fieldIndex("change_type");

    Map<String, Row> currentByKey = new HashMap<>();
    Map<String, Boolean> everStored = new HashMap<>();
    List<Row> result = new ArrayList<>();
    for (Row row : stored) {
      everStored.put(row.getString(key), true);
      if (row.getBoolean(current)) {
        currentByKey.put(row.getString(key), row);
      } else {
        result.add(row);
      }
    }
    Map<String, Boolean> seen = new HashMap<>();
    for (Row row : loaded) {
      String k = row.getString(key);
      seen.put(k, true);
      Row previous = currentByKey.get(k);
      if (previous != null && previous.getString(hash).equals(row.getString(hash))) {
        result.add(previous);
        continue;
      }
      if (previous != null) {
        result.add(with(with(previous, validTo, now), current, false));
      }
      result.add(everStored.containsKey(k) ? with(row, changeType, "changed") : row);
    }
    for (Map.Entry<String, Row> entry : currentByKey.entrySet()) {
      if (!seen.containsKey(entry.getKey())) {
        result.add(with(with(entry.getValue(), validTo, now), current, false));
      }
    }
    return result;
  }

  private static Row with(Row row, int index, Object value) {
    Object[] values = new Object[row.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    values[index] = value;
    return RowFactory.create(values);
  }
}
