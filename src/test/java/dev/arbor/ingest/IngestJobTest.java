package dev.arbor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.ArborException;
import dev.arbor.config.ArborConfig;
import dev.arbor.config.WarehouseSettings;
import dev.arbor.testing.SparkTestBase;
import dev.arbor.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestJobTest extends SparkTestBase {
  private static final String SOURCE =
      """
      arbor.sources.orders {
        table { format = delta, path = "events/orders" }
        schema { order_id = string, customer = bigint, amount = "decimal(10,2)", ts = timestamp }
        entity-id = customer
        event-time = ts
        ingest {
          path = "raw"
          format = csv
          options { header = "true" }
          event-time-format = "yyyy-MM-dd HH:mm"
          event-time-zone = "Europe/London"
          columns { order_id = "id", customer = "regexp_replace(cust, '[.]0$', '')", amount = "amt", ts = "time" }
        }
      }
      arbor.trees.t { north-star = n, nodes.n { unit = count, owner = A, measure { source = orders, agg = count } } }
      """;

  @TempDir Path dir;

  private ArborConfig config() throws Exception {
    Files.createDirectories(dir.resolve("raw"));
    Files.writeString(dir.resolve("raw/day1.csv"), String.join("\n",
        "id,cust,amt,time",
        "o1,17850.0,10.50,2011-07-01 09:15",
        "o2,,3.00,2011-07-01 10:00",
        "o3,abc,4.00,2011-07-01 11:00",
        "o4,12,lots,2011-07-01 12:00",
        "o5,13,5.00,not a time",
        "o6,14,6.00,2011-01-15 09:00",
        ""));
    return TestConfigs.load(dir, SOURCE).withWarehouse(new WarehouseSettings(dir.resolve("wh").toString(), ""));
  }

  @Test
  void badRowsGoToQuarantineWithReason() throws Exception {
    ArborConfig config = config();

    IngestJob.Result result = new IngestJob(spark, config).run("orders", null, false);

    assertThat(result.rowsLoaded()).isEqualTo(3);
    assertThat(result.rowsQuarantined()).isEqualTo(3);
    List<Row> reasons = spark.read().format("delta").load(dir.resolve("wh/quarantine").toString())
        .orderBy("reason").select("reason", "raw_row").collectAsList();
    assertThat(reasons).extracting(r -> r.getString(0)).containsExactly(
        "invalid bigint in customer: abc",
        "invalid decimal(10,2) in amount: lots",
        "missing or invalid event time in ts: not a time");
    assertThat(reasons.get(0).getString(1)).contains("\"id\":\"o3\"");
  }

  @Test
  void timestampsAreReadInTheSourceZone() throws Exception {
    ArborConfig config = config();
    new IngestJob(spark, config).run("orders", null, false);

    List<Row> rows = spark.read().format("delta").load(dir.resolve("wh/events/orders").toString())
        .orderBy("order_id").select("order_id", "customer", "ts").collectAsList();
    // 09:15 in London during BST is 08:15 UTC; in January (GMT) 09:00 stays 09:00 UTC.
    assertThat(rows.get(0).getTimestamp(2).toInstant().toString()).isEqualTo("2011-07-01T08:15:00Z");
    assertThat(rows.get(0).getLong(1)).isEqualTo(17850L);
    assertThat(rows.get(1).isNullAt(1)).isTrue();
    assertThat(rows.get(2).getTimestamp(2).toInstant().toString()).isEqualTo("2011-01-15T09:00:00Z");
  }

  @Test
  void reingestingAFileReplacesItsRows() throws Exception {
    ArborConfig config = config();
    IngestJob job = new IngestJob(spark, config);

    job.run("orders", null, false);
    job.run("orders", null, false);

    assertThat(spark.read().format("delta").load(dir.resolve("wh/events/orders").toString()).count()).isEqualTo(3);
    assertThat(spark.read().format("delta").load(dir.resolve("wh/quarantine").toString()).count()).isEqualTo(3);
  }

  @Test
  void unknownSourceIsAUsageError() throws Exception {
    ArborConfig config = config();
    assertThatThrownBy(() -> new IngestJob(spark, config).run("clicks", null, false))
        .isInstanceOf(ArborException.class)
        .hasMessage("Unknown source: clicks (the config defines [orders])");
  }

  @Test
  void missingInputPathIsAnInputError() throws Exception {
    ArborConfig config = config();
    assertThatThrownBy(() -> new IngestJob(spark, config).run("orders", dir.resolve("nowhere").toString(), false))
        .isInstanceOf(ArborException.class)
        .hasMessageContaining("Cannot read")
        .hasMessageContaining("nowhere");
  }
}
