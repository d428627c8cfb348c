package org.parcelgate.benchmarks;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.parcelgate.auth.CaffeineReplayGuard;

/**
 * First use of fresh token ids in the in-memory replay guard, at the default bound of one million
 * entries. Over a trial the cache fills up, so the later iterations include size evictions: the
 * worst case, not the common one.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ReplayGuardBenchmark {
  private CaffeineReplayGuard guard;
  private Instant retainUntil;
  private final AtomicLong jti = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() {
    guard = new CaffeineReplayGuard(1_000_000, Clock.systemUTC());
    retainUntil = Clock.systemUTC().instant().plusSeconds(600);
  }

  @Benchmark
  public boolean firstUse() {
    return guard.firstUse("marketplace-alpha", Long.toString(jti.incrementAndGet()), retainUntil);
  }
}
