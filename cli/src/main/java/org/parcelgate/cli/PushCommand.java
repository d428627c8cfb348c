package org.parcelgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.parcelgate.client.BatchAnswer;
import org.parcelgate.client.BatchResult;
import org.parcelgate.client.Batches;
import org.parcelgate.client.ParcelgateClient;
import org.parcelgate.client.TransactionJson;
import org.parcelgate.schema.Transaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code parcelgate push FILE}: one batch, as a marketplace, and its verified receipt. */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = {
      "Sends FILE as one batch; prints the verified receipt and every rejected record.",
      "FILE is JSON (an array of transactions, or {\"transactions\": [...]}; docs/protocol.md) or an Avro container (.avro) sent byte for byte. A lost answer is retried with the same bytes: the gateway answers with the original receipt, never stores the batch twice."
    })
final class PushCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin Connection connection;

  @Parameters(paramLabel = "FILE", description = "The batch: .json or .avro.")
  Path file;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    byte[] body = read(err);
    try (ParcelgateClient client = connection.open("marketplace-alpha")) {
      err.printf(
          "sending %,d bytes to %s as %s%n",
          body.length, connection.gateway.url, client.partnerId());
      err.flush();
      BatchResult result = client.push(body);
      BatchAnswer answer = result.answer();
      out.printf(
          "batch %s %s: %d records, %d accepted, %d unchanged, %d rejected%n",
          answer.batchId(),
          result.repeat() ? "was already stored (same body), original answer" : "stored",
          answer.records(),
          answer.accepted(),
          answer.unchanged(),
          answer.rejected());
      out.printf(
          "receipt verified: signed by the gateway, sub %s, body_sha256 %s, received %s%n",
          result.receipt().marketplaceId(),
          result.receipt().bodySha256(),
          result.receipt().receivedAt());
      for (BatchAnswer.RejectedRecord rejected : answer.rejectedRecords()) {
        for (BatchAnswer.FieldError error : rejected.errors()) {
          out.printf(
              "  record %d: %s %s: %s%n",
              rejected.index(), error.field(), error.code(), error.message());
        }
      }
      return answer.rejected() == 0 ? ExitCodes.OK : ExitCodes.RECORDS_REJECTED;
    }
  }

  private byte[] read(PrintWriter err) throws IOException {
    String name = file.getFileName().toString();
    try {
      if (name.endsWith(".avro")) {
        return Files.readAllBytes(file);
      }
      if (!name.endsWith(".json")) {
        throw new UsageException("FILE must end in .json or .avro");
      }
      err.println("reading " + file);
      err.flush();
      List<Transaction> transactions;
      try (InputStream in = Files.newInputStream(file)) {
        transactions = TransactionJson.read(in);
      } catch (TransactionJson.InvalidTransactionException e) {
        throw new UsageException(file + ": " + e.getMessage());
      }
      if (transactions.isEmpty()) {
        throw new UsageException(file + " holds no transaction");
      }
      err.printf("encoding %,d transactions%n", transactions.size());
      return Batches.write(transactions);
    } catch (NoSuchFileException e) {
      throw new UsageException("no file " + file);
    }
  }
}
