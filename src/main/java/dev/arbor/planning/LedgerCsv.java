package dev.arbor.planning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses a ledger CSV file (RFC 4180: comma-separated, fields optionally in double quotes, a
 * doubled quote inside quotes is a quote, quoted fields may span lines) into rows keyed by the
 * lower-case header names, each with the line on which it starts. Blank lines and lines starting
 * with {@code #} are skipped.
 */
public final class LedgerCsv {
  private LedgerCsv() {}

  /**
   * Returns the rows of {@code text}, read from {@code file}.
   *
   * @throws IllegalArgumentException naming the file and line when the header is missing or
   *     repeats a column, a row has more fields than the header, or a quote is not closed
   */
  public static List<LedgerRow> parse(String file, String text) {
    List<Record> records = records(file, text);
    if (records.isEmpty()) {
      throw new IllegalArgumentException(file + ": empty file; the first line must be the header");
    }
    Record header = records.get(0);
    List<String> columns = new ArrayList<>();
    for (String name : header.fields()) {
      String column = name.trim().toLowerCase(Locale.ROOT);
      if (columns.contains(column)) {
        throw new IllegalArgumentException(
            file + ":" + header.line() + ": column '" + column + "' appears twice in the header");
      }
      columns.add(column);
    }
    List<LedgerRow> rows = new ArrayList<>();
    for (Record record : records.subList(1, records.size())) {
      if (record.fields().size() > columns.size()) {
        throw new IllegalArgumentException(file + ":" + record.line() + ": " + record.fields().size()
            + " fields but the header has " + columns.size() + "; quote fields that contain commas");
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        values.put(columns.get(i), i < record.fields().size() ? record.fields().get(i).trim() : "");
      }
      rows.add(new LedgerRow(file, record.line(), values));
    }
    return rows;
  }

  /** Returns the header's column names, lower case, in file order. */
  public static List<String> header(String file, String text) {
    List<Record> records = records(file, text);
    return records.isEmpty()
        ? List.of()
        : records.get(0).fields().stream().map(f -> f.trim().toLowerCase(Locale.ROOT)).toList();
  }

  private record Record(int line, List<String> fields) {}

  private static List<Record> records(String file, String text) {
    List<Record> records = new ArrayList<>();
    int line = 1;
    int i = 0;
    int n = text.length();
    if (n > 0 && text.charAt(0) == '\uFEFF') {
      i = 1;
    }
    while (i < n) {
      int recordLine = line;
      int lineEnd = text.indexOf('\n', i);
      String raw = text.substring(i, lineEnd < 0 ? n : lineEnd).strip();
      if (raw.isEmpty() || raw.startsWith("#")) {
        i = lineEnd < 0 ? n : lineEnd + 1;
        line++;
        continue;
      }
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean done = false;
      while (!done) {
        if (i >= n) {
          if (quoted) {
            throw new IllegalArgumentException(
                file + ":" + recordLine + ": a quoted field is not closed before the end of the file");
          }
          done = true;
          continue;
        }
        char c = text.charAt(i++);
        if (quoted) {
          if (c == '"') {
            if (i < n && text.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              quoted = false;
            }
          } else {
            if (c == '\n') {
              line++;
            }
            field.append(c);
          }
        } else if (c == '"' && field.toString().isBlank()) {
          field.setLength(0);
          quoted = true;
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
        } else if (c == '\n') {
          line++;
          done = true;
        } else if (c != '\r') {
          field.append(c);
        }
      }
      fields.add(field.toString());
      records.add(new Record(recordLine, fields));
    }
    return records;
  }
}
