package dev.arbor.store;

/** Recognizes Delta's optimistic-concurrency conflicts, after which a commit may be retried. */
final class DeltaConflicts {
  private DeltaConflicts() {}

  static boolean isConflict(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof io.delta.exceptions.DeltaConcurrentModificationException
          || cause instanceof java.util.ConcurrentModificationException) {
        return true;
      }
    }
    return false;
  }
}
