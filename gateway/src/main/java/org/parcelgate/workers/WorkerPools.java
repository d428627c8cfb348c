package org.parcelgate.workers;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@link WorkerPool} per {@link WorkerKind}, created once at start and shared by every verticle
 * instance. The pools are Vert.x named worker executors ({@code parcelgate-<kind>}), so Vert.x's
 * own pool metrics ({@code vertx_pool_*}) describe them too.
 */
public final class WorkerPools {
  /** A pool's size: its threads, and the work that may wait for one of them. */
  public record Size(int threads, int queue) {
    public Size {
      if (threads < 1 || queue < 0) {
        throw new IllegalArgumentException("a pool needs a thread and a queue of 0 or more");
      }
    }
  }

  /**
   * @param retryAfter what a refusal tells the client: when to try again
   * @param maxExecuteTime work running longer than this is reported by Vert.x's blocked-thread
   *     checker
   */
  public record Settings(
      Map<WorkerKind, Size> sizes, Duration retryAfter, Duration maxExecuteTime) {
    public Settings {
      sizes = Collections.unmodifiableMap(new EnumMap<>(sizes));
      for (WorkerKind kind : WorkerKind.values()) {
        if (!sizes.containsKey(kind)) {
          throw new IllegalArgumentException("no size for the " + kind.wireName() + " pool");
        }
      }
    }
  }

  private final Map<WorkerKind, WorkerPool> pools;

  private WorkerPools(Map<WorkerKind, WorkerPool> pools) {
    this.pools = pools;
  }

  public static WorkerPools create(
      Vertx vertx, Settings settings, WorkerPool.RefusalListener listener) {
    Map<WorkerKind, WorkerPool> pools = new EnumMap<>(WorkerKind.class);
    for (WorkerKind kind : WorkerKind.values()) {
      Size size = settings.sizes().get(kind);
      pools.put(
          kind,
          new WorkerPool(
              kind,
              vertx.createSharedWorkerExecutor(
                  "parcelgate-" + kind.wireName(),
                  size.threads(),
                  settings.maxExecuteTime().toNanos(),
                  TimeUnit.NANOSECONDS),
              size.threads(),
              size.queue(),
              settings.retryAfter(),
              listener));
    }
    return new WorkerPools(pools);
  }

  public WorkerPool get(WorkerKind kind) {
    return pools.get(kind);
  }

  public Collection<WorkerPool> all() {
    return pools.values();
  }

  /** Closes every pool; work already running finishes on its thread. */
  public Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    pools.values().forEach(pool -> closed.add(pool.close()));
    return Future.join(closed).mapEmpty();
  }
}
