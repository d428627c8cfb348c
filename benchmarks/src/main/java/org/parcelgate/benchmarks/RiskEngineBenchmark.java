package org.parcelgate.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.ReferenceData;
import org.parcelgate.risk.RiskEngine;
import org.parcelgate.risk.RiskEvaluation;
import org.parcelgate.risk.RiskRecord;
import org.parcelgate.risk.RiskSettings;
import org.parcelgate.risk.StateKey;
import org.parcelgate.schema.sample.RiskMix;

/**
 * What the risk engine costs per record, in process, on the seeded risk traffic ({@link
 * RiskEvaluation#records}: validated and minimized for a customs recipient, in feed order), from an
 * empty state: {@code resident} keeps one in-memory state for the whole traffic (the engine alone);
 * {@code steps} works as the assessor does when it keeps nothing between steps, loading the encoded
 * values a step of {@value #STEP} records needs from a map standing in for the store and encoding
 * back what it changed (the engine plus the state's decoding and encoding, without SQL).
 *
 * <p>A part of the cost only: the end-to-end cost of assessment is {@code scripts/measure-risk}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RiskEngineBenchmark {
  static final int RECORDS = 20_000;
  static final int STEP = 300;

  @Param({"resident", "steps"})
  public String state;

  private RiskEngine engine;
  private List<RiskRecord> records;

  @Setup(Level.Trial)
  public void prepare() {
    engine = RiskEngine.create(RiskSettings.defaults(), ReferenceData.shipped());
    records = RiskEvaluation.records(RiskMix.defaults().withParcels(RECORDS));
    if (records.size() != RECORDS) {
      throw new IllegalStateException("the traffic had rejections: " + records.size());
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void assess(Blackhole hole) {
    if (state.equals("resident")) {
      MemoryRiskState memory = MemoryRiskState.empty(null);
      for (RiskRecord record : records) {
        hole.consume(engine.assess(record, memory));
      }
      return;
    }
    Map<StateKey, MemoryRiskState.Value> stored = new HashMap<>();
    for (int from = 0; from < records.size(); from += STEP) {
      List<RiskRecord> step = records.subList(from, Math.min(records.size(), from + STEP));
      Set<StateKey> keys = new LinkedHashSet<>();
      step.forEach(record -> keys.addAll(engine.keys(record)));
      Map<StateKey, MemoryRiskState.Value> loaded = new HashMap<>();
      for (StateKey key : keys) {
        MemoryRiskState.Value value = stored.get(key);
        if (value != null) {
          loaded.put(key, value);
        }
      }
      Instant now = step.get(0).receivedAt();
      MemoryRiskState memory = MemoryRiskState.loaded(loaded, now);
      List<Object> out = new ArrayList<>(step.size());
      for (RiskRecord record : step) {
        out.add(engine.assess(record, memory));
      }
      stored.putAll(memory.changes());
      hole.consume(out);
    }
  }
}
