package dev.arbor.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Tracks the JVM heap during a phase of the benchmark, in two ways:
 *
 * <ul>
 *   <li>the maximum heap in use, sampled from the {@link MemoryMXBean} every 20 ms; it includes
 *       garbage not yet collected, so it mostly shows how much of the heap the collector let fill;
 *   <li>the maximum heap in use just after a garbage collection, from the collectors'
 *       notifications; it is the better estimate of the live data the process held.
 * </ul>
 *
 * In Spark's local mode the executors run in the driver's JVM, so both figures include the
 * tasks' memory (aggregation buffers, cached blocks), not only the driver's own objects.
 */
public final class HeapMonitor implements AutoCloseable {

  /** Heap figures of one phase, in bytes; {@code maxAfterGc} is -1 when no collection ran. */
  public record Peak(long maxUsed, long maxAfterGc, int collections) {}

  private static final long SAMPLE_MILLIS = 20;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final AtomicLong maxUsed = new AtomicLong();
  private final AtomicLong maxAfterGc = new AtomicLong(-1);
  private final AtomicLong collections = new AtomicLong();
  private final Set<String> heapPools = new HashSet<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;
  private final Thread sampler;
  private volatile boolean running = true;

  public HeapMonitor() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
    sampler = new Thread(this::sample, "arbor-heap-monitor");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts a new phase: the peaks start again from the heap in use now. */
  public void reset() {
    maxUsed.set(memory.getHeapMemoryUsage().getUsed());
    maxAfterGc.set(-1);
    collections.set(0);
  }

  /** Returns the peaks since the last {@link #reset()}. */
  public Peak peak() {
    maxUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    return new Peak(maxUsed.get(), maxAfterGc.get(), (int) collections.get());
  }

  /** Returns the maximum heap size of the JVM (-Xmx), or -1 when it is not limited. */
  public long maxHeap() {
    return memory.getHeapMemoryUsage().getMax();
  }

  private void sample() {
    while (running) {
      maxUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void onNotification(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    long after = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        after += pool.getValue().getUsed();
      }
    }
    maxAfterGc.accumulateAndGet(after, Math::max);
    collections.incrementAndGet();
  }


  @Override
  public void close() {
    running = false;
    sampler.interrupt();
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // Already removed; nothing to undo.
      }
    }
  }
}
