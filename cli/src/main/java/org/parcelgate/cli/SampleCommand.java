package org.parcelgate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import org.parcelgate.client.Batches;
import org.parcelgate.client.TransactionJson;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code parcelgate sample FILE}: valid sample transactions to push, dated now. */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    description = {
      "Writes valid sample transactions to FILE, as JSON (.json) or an Avro container (.avro).",
      "Orders are dated an hour ago (the gateway refuses orders from the future or too old);"
          + " their shipments go to NL, DE, FR, BE, IT and ES in turn. Edit the JSON to see the"
          + " gateway's record-by-record answer."
    })
final class SampleCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The file to write: .json or .avro.")
  Path file;

  @Option(
      names = "--count",
      defaultValue = "3",
      description = "How many (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--first",
      description = "The first order number (default: random, so runs do not collide).")
  Integer first;

  @Override
  public Integer call() throws IOException {
    if (count < 1 || count > 100_000) {
      throw new UsageException("--count is 1 to 100000");
    }
    String name = file.getFileName().toString();
    if (!name.endsWith(".json") && !name.endsWith(".avro")) {
      throw new UsageException("FILE must end in .json or .avro");
    }
    Instant now = Instant.now();
    int start =
        first != null
            ? first
            : 1
                + new java.security.SecureRandom()
                    .nextInt(SampleTransactions.MAX_ORDER_NUMBER - 100_000);
    List<Transaction> transactions =
        SampleTransactions.batch(
            start, count, now.minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
    if (name.endsWith(".json")) {
      Files.writeString(file, TransactionJson.write(transactions), StandardCharsets.UTF_8);
    } else {
      Files.write(file, Batches.write(transactions));
    }
    spec.commandLine().getErr().printf("%d sample transactions written to %s%n", count, file);
    return ExitCodes.OK;
  }
}
