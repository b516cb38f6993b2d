package dev.arbor.tree;

/** Place in a config file, for error messages; {@code line} is 1-based, or -1 if unknown. */
public record Origin(String file, int line) {
  public static final Origin UNKNOWN = new Origin("<unknown>", -1);

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line : file;
  }
}
