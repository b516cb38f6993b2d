package dev.arbor.bench;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and nulls as indented JSON. Maps keep their
 * iteration order, so a LinkedHashMap gives a stable layout.
 */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, 0);
    return out.append('\n').toString();
  }

  private static void write(Object value, StringBuilder out, int indent) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String text) {
      quote(text, out);
    } else if (value instanceof Double number) {
      // JSON has no NaN or infinity; a measurement that cannot be computed is null.
      out.append(Double.isFinite(number) ? number.toString() : "null");
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      writeMap(map, out, indent);
    } else if (value instanceof List<?> list) {
      writeList(list, out, indent);
    } else {
      quote(value.toString(), out);
    }
  }

  private static void writeMap(Map<?, ?> map, StringBuilder out, int indent) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    out.append("{\n");
    Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<?, ?> entry = entries.next();
      out.append("  ".repeat(indent + 1));
      quote(String.valueOf(entry.getKey()), out);
      out.append(": ");
      write(entry.getValue(), out, indent + 1);
      out.append(entries.hasNext() ? ",\n" : "\n");
    }
    out.append("  ".repeat(indent)).append('}');
  }

  private static void writeList(List<?> list, StringBuilder out, int indent) {
    if (list.isEmpty()) {
      out.append("[]");
      return;
    }
    boolean scalars = list.stream().noneMatch(v -> v instanceof Map || v instanceof List);
    if (scalars) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ", ");
        write(list.get(i), out, indent);
      }
      out.append(']');
      return;
    }
    out.append("[\n");
    for (int i = 0; i < list.size(); i++) {
      out.append("  ".repeat(indent + 1));
      write(list.get(i), out, indent + 1);
      out.append(i + 1 < list.size() ? ",\n" : "\n");
    }
    out.append("  ".repeat(indent)).append(']');
  }

  private static void quote(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
