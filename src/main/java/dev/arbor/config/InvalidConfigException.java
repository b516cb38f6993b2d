package dev.arbor.config;

import java.util.List;

/** Config that failed validation; carries every problem found, not only the first. */
public final class InvalidConfigException extends RuntimeException {
  private final List<ConfigProblem> problems;

  public InvalidConfigException(List<ConfigProblem> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String format(List<ConfigProblem> problems) {
    StringBuilder text =
        new StringBuilder("Invalid config: ")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem" : " problems");
    for (ConfigProblem problem : problems) {
      text.append(System.lineSeparator()).append("  ").append(problem);
    }
    return text.toString();
  }
}
