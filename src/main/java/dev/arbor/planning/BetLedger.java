package dev.arbor.planning;

import dev.arbor.period.Grain;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.tree.Tree;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates bet ledger rows against a tree. Every problem of a row is collected, so a steward sees
 * all of them at once; a row with any problem becomes a rejected {@link Bet}, never a dropped one.
 */
public final class BetLedger {
  /** Columns every ledger must have, in the order the docs list them. */
  public static final List<String> REQUIRED_COLUMNS =
      List.of("bet_id", "cycle", "team", "owner", "title", "hypothesis", "target_node",
          "expected_change", "start_date", "end_date", "effort", "confidence", "status");

  /** Columns a ledger may have. */
  public static final List<String> OPTIONAL_COLUMNS = List.of("ramp_up_days", "leading_indicator");

  private BetLedger() {}

  /**
   * Returns one bet per row, valid or rejected.
   *
   * @param cycleGrain grain of planning cycles; a row's cycle must be the first day of one
   */
  public static List<Bet> validate(
      List<LedgerRow> rows, Tree tree, PeriodCalendar calendar, Grain cycleGrain) {
    List<Bet> bets = new ArrayList<>();
    Set<String> seenIds = new HashSet<>();
    for (LedgerRow row : rows) {
      bets.add(validate(row, tree, calendar, cycleGrain, seenIds));
    }
    return bets;
  }

  private static Bet validate(
      LedgerRow row, Tree tree, PeriodCalendar calendar, Grain cycleGrain, Set<String> seenIds) {
    List<String> problems = new ArrayList<>();
    String id = row.get("bet_id");
    if (id.isEmpty()) {
      problems.add("missing bet_id");
    } else if (!seenIds.add(id)) {
      problems.add("duplicate bet_id '" + id + "'; each bet needs its own id");
    }
    for (String column : List.of("team", "owner", "title", "hypothesis")) {
      if (row.get(column).isEmpty()) {
        problems.add("missing " + column);
      }
    }

    Cycle cycle = null;
    LocalDate cycleDay = date(row, "cycle", problems);
    if (cycleDay != null) {
      cycle = Cycle.containing(calendar, cycleGrain, cycleDay);
      if (!cycle.start().equals(cycleDay)) {
        problems.add("cycle " + cycleDay + " is not the first day of a " + cycleGrain.key()
            + "; the " + cycleGrain.key() + " containing it starts " + cycle.start());
        cycle = null;
      }
    }

    String target = row.get("target_node");
    if (target.isEmpty()) {
      problems.add("missing target_node");
    } else if (!tree.nodes().containsKey(target)) {
      problems.add("target_node '" + target + "' is not a node of tree " + tree.id()
          + NodeNames.suggestion(target, tree.nodes().keySet()));
    }

    String changeText = row.get("expected_change");
    ExpectedChange change = null;
    try {
      change = ExpectedChange.parse(changeText);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }

    LocalDate start = date(row, "start_date", problems);
    LocalDate end = date(row, "end_date", problems);
    if (start != null && end != null && end.isBefore(start)) {
      problems.add("end_date " + end + " is before start_date " + start);
    }
    if (start != null && cycle != null && !cycle.contains(start)) {
      problems.add("start_date " + start + " is outside its cycle " + cycle.label() + " ("
          + cycle.start() + " to " + cycle.end() + ")");
    }

    int ramp = 0;
    String rampText = row.get("ramp_up_days");
    if (!rampText.isEmpty()) {
      try {
        ramp = Integer.parseInt(rampText);
        if (ramp < 0 || ramp > 366) {
          problems.add("invalid ramp_up_days " + ramp + "; expected 0 to 366");
          ramp = 0;
        }
      } catch (NumberFormatException e) {
        problems.add("invalid ramp_up_days '" + rampText + "'; expected a whole number of days");
      }
    }

    Double effort = number(row, "effort", problems);
    if (effort != null && !(effort > 0)) {
      problems.add("invalid effort " + row.get("effort") + "; expected a number greater than 0");
      effort = null;
    }
    Double confidence = number(row, "confidence", problems);
    if (confidence != null && (confidence < 0 || confidence > 1)) {
      problems.add("invalid confidence " + row.get("confidence") + "; expected 0 to 1");
      confidence = null;
    }

    BetStatus status = null;
    String statusText = row.get("status");
    if (statusText.isEmpty()) {
      problems.add("missing status");
    } else {
      status = BetStatus.fromCode(statusText);
      if (status == null) {
        problems.add("invalid status '" + statusText
            + "'; expected proposed, funded, running, shipped or killed");
      }
    }

    String indicator = row.get("leading_indicator");
    if (!indicator.isEmpty() && !tree.nodes().containsKey(indicator)) {
      problems.add("leading_indicator '" + indicator + "' is not a node of tree " + tree.id()
          + NodeNames.suggestion(indicator, tree.nodes().keySet()));
    } else if (!indicator.isEmpty() && indicator.equals(target)) {
      problems.add("leading_indicator is the target node itself; name a node that moves first, "
          + "or leave it empty");
    }

    return new Bet(id, cycle, row.get("team"), row.get("owner"), row.get("title"),
        row.get("hypothesis"), target.isEmpty() ? null : target, changeText, change, start, end,
        ramp, effort, confidence, status, indicator.isEmpty() ? null : indicator, row, problems);
  }

  static LocalDate date(LedgerRow row, String column, List<String> problems) {
    String text = row.get(column);
    if (text.isEmpty()) {
      problems.add("missing " + column);
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      problems.add("invalid " + column + " '" + text + "'; expected a date such as 2011-04-01");
      return null;
    }
  }

  private static Double number(LedgerRow row, String column, List<String> problems) {
    String text = row.get(column);
    if (text.isEmpty()) {
      problems.add("missing " + column);
      return null;
    }
    try {
      double value = Double.parseDouble(text);
      if (!Double.isFinite(value)) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add("invalid " + column + " '" + text + "'; expected a number");
      return null;
    }
  }
}
