package org.parcelgate.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpsMetricsTest {
  @Test
  void readsTheProcessCpuTimeAndSumsTheHeapPools() {
    OpsMetrics.Reading reading =
        OpsMetrics.parse(
            """
            # HELP process_cpu_time_ns_total The "cpu time" used by the Java Virtual Machine process
            # TYPE process_cpu_time_ns_total counter
            process_cpu_time_ns_total 1.524E10
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 2.097152E7
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 1.4803456E7
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 3.2370648E7
            """);

    assertThat(reading.cpuNanos()).hasValue(1.524E10);
    assertThat(reading.heapBytes()).hasValue(2.097152E7 + 1.4803456E7);
  }

  @Test
  void reportsNothingForAPageWithoutJvmMetrics() {
    OpsMetrics.Reading reading =
        OpsMetrics.parse("parcelgate_batches_total{outcome=\"stored\"} 4.0\n");

    assertThat(reading.cpuNanos()).isEmpty();
    assertThat(reading.heapBytes()).isEmpty();
  }
}
