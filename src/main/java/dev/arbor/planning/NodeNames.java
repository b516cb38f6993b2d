package dev.arbor.planning;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Suggests the closest node id for a misspelled one in ledger messages. */
final class NodeNames {
  private NodeNames() {}

  /** Returns " (did you mean 'x'?)" for the closest id within edit distance 3, else "". */
  static String suggestion(String name, Set<String> known) {
    String lower = name.toLowerCase(Locale.ROOT);
    Optional<String> best =
        known.stream()
            .filter(k -> distance(k.toLowerCase(Locale.ROOT), lower) <= 3)
            .min((a, b) -> distance(a, lower) - distance(b, lower));
    return best.map(b -> " (did you mean '" + b + "'?)").orElse("");
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
