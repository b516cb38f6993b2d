package dev.arbor.job;

import org.slf4j.MDC;

/** Puts the run id into the logging context, so that every log line of the run carries it. */
public final class RunContext implements AutoCloseable {
  public static final String RUN_ID = "run_id";

  private RunContext() {}

  public static RunContext enter(String runId) {
    MDC.put(RUN_ID, runId);
    return new RunContext();
  }

  @Override
  public void close() {
    MDC.remove(RUN_ID);
  }
}
