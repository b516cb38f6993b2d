package dev.arbor.bench;

import dev.arbor.compute.SourceScanner;
import dev.arbor.config.SourceDef;
import dev.arbor.period.Grain;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.tree.Aggregation;
import dev.arbor.tree.LifecycleKind;
import dev.arbor.tree.Measure;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import dev.arbor.tree.formula.Expr;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the Spark SQL that a BI tool or an analytics engineer would run without Arbor: one
 * {@code GROUP BY} query per node and grain, straight over the events.
 *
 * <ul>
 *   <li>A measured node is one aggregate grouped by period: conditional aggregates for filters,
 *       {@code COUNT(DISTINCT ...)} for distinct counts, {@code try_divide} for ratios.
 *   <li>A lifecycle node derives each user's previous and next active period with {@code LAG}
 *       and {@code LEAD} over the user's active periods, then counts the users in the state.
 *   <li>A formula node expands its formula down to measured nodes and computes those in the same
 *       query: the measures of one source in one {@code GROUP BY}, each lifecycle count in a
 *       subquery of its own, joined on the period.
 * </ul>
 *
 * Each source is a view ({@link #viewSql}) with the source's derived columns, its filter and the
 * local day, as a semantic layer would define it. The view does not de-duplicate events by event
 * id, which makes these queries cheaper than Arbor's scan. On data without duplicates they give
 * the same values.
 */
final class NaiveQueries {
  private final Tree tree;
  private final Map<String, SourceDef> sources;
  private final PeriodCalendar calendar;
  private final LocalDate asOf;

  NaiveQueries(Tree tree, Map<String, SourceDef> sources, PeriodCalendar calendar, LocalDate asOf) {
    this.tree = tree;
    this.sources = sources;
    this.calendar = calendar;
    this.asOf = asOf;
  }

  /** Returns the name of the view over a source's events. */
  static String viewName(String sourceId) {
    return "naive_" + sourceId;
  }

  /** Returns the statement that creates the view of {@code source} over {@code tableSql}. */
  String viewSql(SourceDef source, String tableSql) {
    List<String> columns = new ArrayList<>();
    for (String column : source.schema().keySet()) {
      columns.add("`" + column + "`");
    }
    for (Map.Entry<String, String> derived : source.derived().entrySet()) {
      columns.add("(" + derived.getValue() + ") AS " + derived.getKey().toLowerCase(Locale.ROOT));
    }
    String localDate = "to_date(from_utc_timestamp(" + source.eventTime() + ", '"
        + calendar.timeZone().getId() + "'))";
    columns.add(localDate + " AS " + SourceScanner.LOCAL_DATE);
    StringBuilder sql = new StringBuilder("CREATE OR REPLACE TEMPORARY VIEW ")
        .append(viewName(source.id())).append(" AS SELECT * FROM (SELECT ")
        .append(String.join(", ", columns)).append(" FROM ").append(tableSql).append(") WHERE ")
        .append(SourceScanner.LOCAL_DATE).append(" <= DATE'").append(asOf).append("'");
    if (source.filter() != null) {
      sql.append(" AND coalesce(").append(source.filter()).append(", false)");
    }
    return sql.toString();
  }

  /** Returns the query of one node at one grain; its columns are period_start and value. */
  String query(String nodeId, Grain grain) {
    Node node = tree.node(nodeId);
    Set<String> leaves = new LinkedHashSet<>();
    collectLeaves(nodeId, leaves);

    Map<String, List<String>> aggregatesBySource = new LinkedHashMap<>();
    List<String> subqueries = new ArrayList<>();
    for (String leafId : leaves) {
      Node leaf = tree.node(leafId);
      if (leaf.measure() != null) {
        aggregatesBySource
            .computeIfAbsent(leaf.measure().source(), s -> new ArrayList<>())
            .add(measureSql(leaf.measure()) + " AS " + column(leafId));
      } else {
        subqueries.add(lifecycleSql(leafId, grain));
      }
    }
    for (Map.Entry<String, List<String>> entry : aggregatesBySource.entrySet()) {
      subqueries.add(0, "SELECT " + periodSql(grain, SourceScanner.LOCAL_DATE) + " AS period_start, "
          + String.join(", ", entry.getValue()) + " FROM " + viewName(entry.getKey()) + " GROUP BY 1");
    }

    String value = node.isMeasured() ? leafValue(nodeId) : formulaSql(node.formula());
    if (subqueries.size() == 1) {
      return "SELECT period_start, " + value + " AS value FROM (" + subqueries.get(0) + ") q0";
    }
    StringBuilder from = new StringBuilder("(" + subqueries.get(0) + ") q0");
    for (int i = 1; i < subqueries.size(); i++) {
      from.append(" FULL OUTER JOIN (").append(subqueries.get(i)).append(") q").append(i)
          .append(" USING (period_start)");
    }
    return "SELECT period_start, " + value + " AS value FROM " + from;
  }

  /** Adds the measured nodes that {@code nodeId}'s value is computed from. */
  private void collectLeaves(String nodeId, Set<String> into) {
    Node node = tree.node(nodeId);
    if (node.isMeasured()) {
      into.add(nodeId);
      return;
    }
    for (String reference : node.formula().references()) {
      collectLeaves(reference, into);
    }
  }

  private static String column(String nodeId) {
    return "v_" + nodeId;
  }

  /** Returns a measured node's value as a double, from its column of the joined subqueries. */
  private String leafValue(String nodeId) {
    Node node = tree.node(nodeId);
    if (node.lifecycle() != null) {
      // A period where no user was in the state has no row in the lifecycle subquery.
      return "CAST(coalesce(" + column(nodeId) + ", 0) AS DOUBLE)";
    }
    return "CAST(" + column(nodeId) + " AS DOUBLE)";
  }

  private String measureSql(Measure measure) {
    return switch (measure.aggregation()) {
      case COUNT -> "COUNT(" + when(measure.filter(), "1") + ")";
      case SUM -> "coalesce(SUM(" + when(measure.filter(), measure.expression()) + "), 0)";
      case AVG -> "AVG(" + when(measure.filter(), measure.expression()) + ")";
      case COUNT_DISTINCT -> "COUNT(DISTINCT " + when(measure.filter(), measure.expression()) + ")";
      case APPROX_COUNT_DISTINCT ->
          "approx_count_distinct(" + when(measure.filter(), measure.expression()) + ")";
      case RATIO -> "try_divide(CAST(" + measureSql(measure.numerator()) + " AS DOUBLE), CAST("
          + measureSql(measure.denominator()) + " AS DOUBLE))";
    };
  }

  private static String when(String filter, String value) {
    return filter == null ? value : "CASE WHEN " + filter + " THEN " + value + " END";
  }

  /**
   * Returns the count of users in a lifecycle state per period. A churned user counts in the
   * period after its last active one, so that query groups by the next period, up to the as-of
   * date's period.
   */
  private String lifecycleSql(String nodeId, Grain grain) {
    Node node = tree.node(nodeId);
    SourceDef source = sources.get(node.lifecycle().source());
    String filter = node.lifecycle().filter() == null ? "" : " WHERE " + node.lifecycle().filter();
    String activity = "SELECT DISTINCT " + source.entityId() + " AS entity, "
        + periodSql(grain, SourceScanner.LOCAL_DATE) + " AS period_start FROM "
        + viewName(source.id()) + filter;
    String states = "SELECT entity, period_start,"
        + " LAG(period_start) OVER (PARTITION BY entity ORDER BY period_start) AS last_active,"
        + " LEAD(period_start) OVER (PARTITION BY entity ORDER BY period_start) AS next_active"
        + " FROM (" + activity + ") a";
    String previous = shiftSql(grain, "period_start", -1);
    String next = shiftSql(grain, "period_start", 1);
    LifecycleKind kind = node.lifecycle().kind();
    if (kind == LifecycleKind.CHURNED) {
      return "SELECT " + next + " AS period_start, COUNT(*) AS " + column(nodeId)
          + " FROM (" + states + ") s WHERE (next_active IS NULL OR next_active > " + next + ")"
          + " AND " + next + " <= DATE'" + asOf + "' GROUP BY 1";
    }
    String condition = switch (kind) {
      case ACTIVE -> "TRUE";
      case NEW -> "last_active IS NULL";
      case RETAINED -> "last_active = " + previous;
      case RESURRECTED -> "last_active < " + previous;
      case CHURNED -> throw new IllegalStateException("handled above");
    };
    return "SELECT period_start, COUNT_IF(" + condition + ") AS " + column(nodeId)
        + " FROM (" + states + ") s GROUP BY period_start";
  }

  /** Returns the first day of the period of {@code grain} that contains the date {@code day}. */
  String periodSql(Grain grain, String day) {
    return switch (grain) {
      case DAY -> day;
      case WEEK -> {
        // Spark's dayofweek numbers Sunday 1 to Saturday 7; java.time numbers Monday 1 to Sunday 7.
        int startDay = calendar.weekStart().getValue() % 7 + 1;
        yield "date_sub(" + day + ", pmod(dayofweek(" + day + ") - " + startDay + ", 7))";
      }
      case MONTH -> "trunc(" + day + ", 'MM')";
      case QUARTER -> {
        int offset = calendar.fiscalYearStartMonth() - 1;
        yield offset == 0
            ? "trunc(" + day + ", 'Q')"
            : "add_months(trunc(add_months(" + day + ", -" + offset + "), 'Q'), " + offset + ")";
      }
    };
  }

  /** Returns the start of the period {@code periods} periods after the one starting at {@code start}. */
  private static String shiftSql(Grain grain, String start, int periods) {
    return switch (grain) {
      case DAY -> "date_add(" + start + ", " + periods + ")";
      case WEEK -> "date_add(" + start + ", " + 7 * periods + ")";
      case MONTH -> "add_months(" + start + ", " + periods + ")";
      case QUARTER -> "add_months(" + start + ", " + 3 * periods + ")";
    };
  }

  /** Translates a formula with the semantics of {@link Expr#evaluate}: null-safe division. */
  private String formulaSql(Expr expr) {
    if (expr instanceof Expr.Constant constant) {
      return "CAST(" + constant.value() + " AS DOUBLE)";
    }
    if (expr instanceof Expr.NodeRef ref) {
      Node referenced = tree.node(ref.nodeId());
      return referenced.isMeasured() ? leafValue(ref.nodeId()) : "(" + formulaSql(referenced.formula()) + ")";
    }
    if (expr instanceof Expr.Negate negate) {
      return "(-" + formulaSql(negate.operand()) + ")";
    }
    if (expr instanceof Expr.Binary binary) {
      String left = formulaSql(binary.left());
      String right = formulaSql(binary.right());
      return binary.operator() == '/'
          ? "try_divide(" + left + ", " + right + ")"
          : "(" + left + " " + binary.operator() + " " + right + ")";
    }
    Expr.Call call = (Expr.Call) expr;
    List<String> arguments = new ArrayList<>();
    for (Expr argument : call.arguments()) {
      arguments.add(formulaSql(argument));
    }
    String joined = String.join(", ", arguments);
    if (call.function() == Expr.Function.COALESCE) {
      return "coalesce(" + joined + ")";
    }
    // Spark's least and greatest skip nulls; a formula's min and max return null instead.
    List<String> nullChecks = new ArrayList<>();
    for (String argument : arguments) {
      nullChecks.add(argument + " IS NULL");
    }
    String function = call.function() == Expr.Function.MIN ? "least" : "greatest";
    return "CASE WHEN " + String.join(" OR ", nullChecks) + " THEN NULL ELSE " + function + "("
        + joined + ") END";
  }
}
