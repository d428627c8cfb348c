package org.parcelgate.cli.load;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * The CPU time of a process on this machine and of its descendants over the window: for a database
 * server whose work runs in child processes (PostgreSQL starts one per connection), measured beside
 * the gateway so the report can say what each record costs the database.
 *
 * <p>A child that exits during the window takes its CPU time with it; the gateway keeps its
 * connections open, so under load the children that matter live through the window.
 */
final class ProcessTreeCpu {
  private final long pid;
  private OptionalDouble before = OptionalDouble.empty();
  private OptionalDouble after = OptionalDouble.empty();

  ProcessTreeCpu(long pid) {
    this.pid = pid;
  }

  void windowStarts() {
    before = now();
  }

  void windowEnds() {
    after = now();
  }

  /** The CPU seconds used in the window; empty if the process could not be read. */
  OptionalDouble cpuSeconds() {
    if (before.isEmpty() || after.isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(after.getAsDouble() - before.getAsDouble());
  }

  private OptionalDouble now() {
    return ProcessHandle.of(pid)
        .map(
            root ->
                Stream.concat(Stream.of(root), root.descendants())
                    .map(process -> process.info().totalCpuDuration().orElse(Duration.ZERO))
                    .mapToDouble(cpu -> cpu.toNanos() / 1e9)
                    .sum())
        .map(OptionalDouble::of)
        .orElse(OptionalDouble.empty());
  }
}
