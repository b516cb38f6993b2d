package dev.arbor.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/** Describes the machine, the JVM and the Spark settings of a benchmark run. */
final class Environment {
  private Environment() {}

  /** Spark settings worth recording: those that change how much work runs in parallel and where. */
  private static final List<String> SPARK_PREFIXES =
      List.of("spark.master", "spark.driver.memory", "spark.executor.memory", "spark.executor.cores",
          "spark.default.parallelism", "spark.sql.shuffle.partitions", "spark.sql.adaptive.",
          "spark.memory.", "spark.sql.files.", "spark.sql.autoBroadcastJoinThreshold",
          "spark.databricks.delta.snapshotPartitions", "spark.sql.session.timeZone");

  static Map<String, Object> machine() {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      machine.put("memory_bytes", sun.getTotalMemorySize());
    }
    machine.put("cpu", cpuModel());
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    machine.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    machine.put("jvm_max_heap_bytes", Runtime.getRuntime().maxMemory());
    List<String> memoryFlags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(argument -> argument.startsWith("-X") || argument.startsWith("-XX:"))
        .toList();
    machine.put("jvm_memory_flags", memoryFlags);
    return machine;
  }

  /** Returns the one-minute load average, or null where the platform has none. */
  static Double loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? null : load;
  }

  /**
   * Returns the CPU time used by this JVM, all threads, in nanoseconds, or -1 where the platform
   * does not report it. On a shared machine it shows how much of a phase's wall time was spent
   * waiting for a CPU.
   */
  static long processCpuNanos() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
  }

  static Map<String, Object> spark(SparkSession spark) {
    Map<String, Object> settings = new TreeMap<>();
    for (Tuple2<String, String> entry : spark.sparkContext().getConf().getAll()) {
      if (recorded(entry._1())) {
        settings.put(entry._1(), entry._2());
      }
    }
    for (String key : List.of("spark.sql.shuffle.partitions", "spark.sql.adaptive.enabled",
        "spark.sql.autoBroadcastJoinThreshold", "spark.sql.files.maxPartitionBytes")) {
      settings.putIfAbsent(key, spark.conf().get(key));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("version", spark.version());
    result.put("default_parallelism", spark.sparkContext().defaultParallelism());
    result.put("settings", settings);
    return result;
  }

  private static boolean recorded(String key) {
    for (String prefix : SPARK_PREFIXES) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static String cpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(cpuinfo)) {
      return null;
    }
    try {
      for (String line : Files.readAllLines(cpuinfo)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }
}
