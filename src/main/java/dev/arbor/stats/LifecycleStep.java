package dev.arbor.stats;

/**
 * Result of one lifecycle event.
 *
 * @param state state after the event
 * @param transition the status change, or null when the status stayed the same
 */
public record LifecycleStep(LinkState state, LinkTransition transition) {

  /** Validates that the state is present and agrees with the transition. */
  public LifecycleStep {
    Validation.requireNonNull("state", state);
    if (transition != null && transition.to() != state.status()) {
      throw new IllegalArgumentException(
          "Invalid step: transition to " + transition.to() + " but state " + state.status());
    }
  }

  /** Returns whether the status changed. */
  public boolean changed() {
    return transition != null;
  }
}
