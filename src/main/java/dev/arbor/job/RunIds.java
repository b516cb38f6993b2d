package dev.arbor.job;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** Creates run ids: readable, sortable by start time, and unique. */
public final class RunIds {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  private RunIds() {}

  /** Returns an id such as {@code retail-2011-12-09-20261204T153000-1a2b3c4d}. */
  public static String next(String scope, LocalDate asOf) {
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
    String random = UUID.randomUUID().toString().substring(0, 8);
    return scope + "-" + (asOf == null ? "" : asOf + "-") + stamp + "-" + random;
  }
}
