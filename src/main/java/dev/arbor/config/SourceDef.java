package dev.arbor.config;

import dev.arbor.tree.Origin;
import java.util.Map;

/**
 * An event table and how to read it.
 *
 * @param schema column name to Spark SQL type, in order; every expression of the source may use
 *     these columns and the derived ones
 * @param entityId column identifying the entity (customer, user) for lifecycle measures, or null
 * @param eventTime timestamp column of the event (an instant)
 * @param eventId column identifying an event; events sharing a value on the same day count once
 * @param eventName column holding the event type, or null
 * @param derived derived column name to Spark SQL expression, computed at scan time
 * @param filter Spark SQL predicate applied to every measure of the source, or null
 * @param ingest how {@code ingest} fills the table, or null when the table is filled elsewhere
 * @param quality the data-quality gates that runs apply to the source's events
 */
public record SourceDef(
    String id,
    TableRef table,
    Map<String, String> schema,
    String entityId,
    String eventTime,
    String eventId,
    String eventName,
    Map<String, String> derived,
    String filter,
    IngestSpec ingest,
    QualityRules quality,
    Origin origin) {}
