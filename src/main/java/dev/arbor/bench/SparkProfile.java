package dev.arbor.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Sums Spark's task metrics over a phase of the benchmark: how many jobs, stages and tasks ran,
 * how long the tasks ran, and how many bytes they read, shuffled and spilled. Together with the
 * wall time it shows where a phase spends its time: in tasks over the data, or on the driver
 * between jobs (planning, Delta commits).
 */
final class SparkProfile extends SparkListener {
  private final AtomicLong jobs = new AtomicLong();
  private final AtomicLong stages = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong taskMillis = new AtomicLong();
  private final AtomicLong taskCpuNanos = new AtomicLong();
  private final AtomicLong inputBytes = new AtomicLong();
  private final AtomicLong inputRecords = new AtomicLong();
  private final AtomicLong shuffleReadBytes = new AtomicLong();
  private final AtomicLong shuffleWriteBytes = new AtomicLong();
  private final AtomicLong spillBytes = new AtomicLong();
  private final AtomicLong maxPeakExecutionMemory = new AtomicLong();

  /** Starts a new phase. */
  void reset() {
    for (AtomicLong counter : new AtomicLong[] {jobs, stages, tasks, taskMillis, taskCpuNanos,
        inputBytes, inputRecords, shuffleReadBytes, shuffleWriteBytes, spillBytes,
        maxPeakExecutionMemory}) {
      counter.set(0);
    }
  }

  /**
   * Returns the sums since the last {@link #reset()}. Spark delivers task events asynchronously,
   * so this first waits until no task has ended for 200 ms, at most two seconds.
   */
  Map<String, Object> snapshot() {
    long deadline = System.nanoTime() + 2_000_000_000L;
    long seen = -1;
    while (seen != tasks.get() && System.nanoTime() < deadline) {
      seen = tasks.get();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    Map<String, Object> profile = new LinkedHashMap<>();
    profile.put("jobs", jobs.get());
    profile.put("stages", stages.get());
    profile.put("tasks", tasks.get());
    profile.put("task_time_ms", taskMillis.get());
    profile.put("task_cpu_ms", taskCpuNanos.get() / 1_000_000);
    profile.put("input_mb", inputBytes.get() / (1024 * 1024));
    profile.put("input_records", inputRecords.get());
    profile.put("shuffle_read_mb", shuffleReadBytes.get() / (1024 * 1024));
    profile.put("shuffle_write_mb", shuffleWriteBytes.get() / (1024 * 1024));
    profile.put("spill_mb", spillBytes.get() / (1024 * 1024));
    profile.put("max_task_peak_execution_memory_mb", maxPeakExecutionMemory.get() / (1024 * 1024));
    return profile;
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    jobs.incrementAndGet();
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted stageCompleted) {
    stages.incrementAndGet();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    tasks.incrementAndGet();
    TaskMetrics metrics = taskEnd.taskMetrics();
    if (metrics == null) {
      return;
    }
    taskMillis.addAndGet(metrics.executorRunTime());
    taskCpuNanos.addAndGet(metrics.executorCpuTime());
    inputBytes.addAndGet(metrics.inputMetrics().bytesRead());
    inputRecords.addAndGet(metrics.inputMetrics().recordsRead());
    shuffleReadBytes.addAndGet(metrics.shuffleReadMetrics().totalBytesRead());
    shuffleWriteBytes.addAndGet(metrics.shuffleWriteMetrics().bytesWritten());
    spillBytes.addAndGet(metrics.memoryBytesSpilled() + metrics.diskBytesSpilled());
    maxPeakExecutionMemory.accumulateAndGet(metrics.peakExecutionMemory(), Math::max);
  }
}
