package dev.arbor.config;

import java.util.Map;

/**
 * How {@code ingest} loads raw files into a source's Delta table.
 *
 * @param path file or folder to read; a relative path resolves against the top-level config file's
 *     folder
 * @param format {@code csv} or {@code parquet}
 * @param options reader options
 * @param columns target column to Spark SQL expression over the raw columns, in schema order; the
 *     result is cast to the source schema's type with {@code try_cast}
 * @param eventTimeFormat datetime pattern of the raw event time, or null when it is already a
 *     timestamp
 * @param eventTimeZone zone in which raw timestamps without an offset were recorded
 */
public record IngestSpec(
    String path,
    String format,
    Map<String, String> options,
    Map<String, String> columns,
    String eventTimeFormat,
    String eventTimeZone) {}
