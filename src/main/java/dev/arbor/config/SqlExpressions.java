package dev.arbor.config;

import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Parses Spark SQL expressions from config without a SparkSession, so that syntax errors and
 * unknown columns are reported before any Spark work starts.
 */
public final class SqlExpressions {
  private SqlExpressions() {}

  /** Thrown for text that Spark's parser rejects; the message is Spark's, without the SQL echo. */
  public static final class InvalidExpressionException extends Exception {
    public InvalidExpressionException(String message) {
      super(message);
    }
  }

  /** Returns the column names that {@code sql} references (first name part, lower case). */
  public static Set<String> columnReferences(String sql) throws InvalidExpressionException {
    Expression expression;
    try {
      expression = CatalystSqlParser$.MODULE$.parseExpression(sql);
    } catch (Exception e) {
      // Spark's ParseException is a checked exception that Scala code throws undeclared. Its
      // message starts with a blank line and ends with an echo of the SQL, which is dropped.
      String message = String.valueOf(e.getMessage()).strip();
      int sqlEcho = message.indexOf("\n");
      throw new InvalidExpressionException(sqlEcho > 0 ? message.substring(0, sqlEcho).strip() : message);
    }
    Set<String> names = new LinkedHashSet<>();
    collect(expression, names);
    return names;
  }

  private static void collect(Expression expression, Set<String> names) {
    if (expression instanceof UnresolvedAttribute attribute) {
      names.add(
          CollectionConverters.asJava(attribute.nameParts())
              .get(0)
              .toLowerCase(java.util.Locale.ROOT));
      return;
    }
    for (Expression child : CollectionConverters.asJava(expression.children())) {
      collect(child, names);
    }
  }
}
