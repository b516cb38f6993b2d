package dev.arbor.tree.formula;

/** A formula that does not parse; {@link #position()} is the 0-based offset of the error. */
public final class FormulaSyntaxException extends Exception {
  private final int position;
  private final String reason;

  public FormulaSyntaxException(String reason, int position) {
    super(reason + " at position " + (position + 1));
    this.reason = reason;
    this.position = position;
  }

  public int position() {
    return position;
  }

  public String reason() {
    return reason;
  }
}
