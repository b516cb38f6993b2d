package dev.arbor.config;

import dev.arbor.tree.Origin;

/**
 * One problem found while validating config.
 *
 * @param subject what the problem is about, such as {@code tree retail, node orders}
 */
public record ConfigProblem(Origin origin, String subject, String message) {

  @Override
  public String toString() {
    return origin + ": " + subject + ": " + message;
  }
}
