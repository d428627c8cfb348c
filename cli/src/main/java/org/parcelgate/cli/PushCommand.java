package org.parcelgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
import org.parcelgate.protocol.Receipt;
import org.parcelgate.schema.Transaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code parcelgate push FILE}: one batch, as a marketplace, and its verified receipt. */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = {
      "Sends FILE as one batch as a marketplace (default marketplace-alpha); prints the verified receipt and every rejected record with its transaction id.",
      "FILE is JSON (an array of transactions, or {\"transactions\": [...]}; docs/protocol.md) or an Avro container (.avro) sent byte for byte. A lost answer is retried with the same bytes: the gateway answers with the original receipt, never stores the batch twice."
    })
final class PushCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin Connection connection;

  @Parameters(paramLabel = "FILE", description = "The batch: .json or .avro.")
  Path file;

  @Option(
      names = "--receipt",
      paramLabel = "FILE",
      description =
          "Also save the verified receipt (the gateway's signed JWS, one line) to FILE; check it"
              + " later with the gateway's keys (docs/client.md).")
  Path receiptFile;

  @Option(
      names = "--json",
      description =
          "Print one JSON document instead of text: the answer, the receipt and the rejected"
              + " records (docs/client.md).")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Batch batch = read(err);
    Connection.Caller caller = connection.caller("marketplace-alpha", true);
    try (ParcelgateClient client = connection.open(caller)) {
      err.printf(
          "sending %,d bytes to %s as %s%n", batch.body.length, caller.url(), client.partnerId());
      err.flush();
      BatchResult result = client.push(batch.body);
      BatchAnswer answer = result.answer();
      if (receiptFile != null) {
        Files.writeString(receiptFile, answer.receipt() + "\n", StandardCharsets.US_ASCII);
      }
      if (json) {
        out.println(document(result, batch.transactionIds).toString());
      } else {
        print(out, result, batch.transactionIds);
      }
      out.flush();
      return answer.rejected() == 0 ? ExitCodes.OK : ExitCodes.RECORDS_REJECTED;
    }
  }

  private void print(PrintWriter out, BatchResult result, List<String> ids) {
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
    if (receiptFile != null) {
      out.printf("receipt saved to %s%n", receiptFile);
    }
    for (BatchAnswer.RejectedRecord rejected : answer.rejectedRecords()) {
      String id = idOf(ids, rejected.index());
      for (BatchAnswer.FieldError error : rejected.errors()) {
        out.printf(
            "  record %d%s: %s %s: %s%n",
            rejected.index(),
            id == null ? "" : " (transaction " + id + ")",
            error.field(),
            error.code(),
            error.message());
      }
    }
  }

  private ObjectNode document(BatchResult result, List<String> ids) {
    BatchAnswer answer = result.answer();
    Receipt receipt = result.receipt();
    ObjectNode document = new ObjectMapper().createObjectNode();
    document.put("batchId", answer.batchId());
    document.put("repeat", result.repeat());
    document.put("records", answer.records());
    document.put("accepted", answer.accepted());
    document.put("unchanged", answer.unchanged());
    document.put("rejected", answer.rejected());
    ObjectNode signed = document.putObject("receipt");
    signed.put("verified", true);
    signed.put("marketplaceId", receipt.marketplaceId());
    signed.put("bodySha256", receipt.bodySha256());
    signed.put("receivedAt", receipt.receivedAt().toString());
    signed.put("requestJti", receipt.requestJti());
    signed.put("jws", answer.receipt());
    signed.put("file", receiptFile == null ? null : receiptFile.toString());
    ArrayNode rejected = document.putArray("rejectedRecords");
    for (BatchAnswer.RejectedRecord record : answer.rejectedRecords()) {
      ObjectNode item = rejected.addObject();
      item.put("index", record.index());
      item.put("transactionId", idOf(ids, record.index()));
      ArrayNode errors = item.putArray("errors");
      for (BatchAnswer.FieldError error : record.errors()) {
        errors
            .addObject()
            .put("field", error.field())
            .put("code", error.code())
            .put("message", error.message());
      }
    }
    return document;
  }

  private static String idOf(List<String> ids, int index) {
    return index >= 0 && index < ids.size() ? ids.get(index) : null;
  }

  /** The body to send and the transaction id of each of its records, in order. */
  private record Batch(byte[] body, List<String> transactionIds) {}

  private Batch read(PrintWriter err) throws IOException {
    String name = file.getFileName().toString();
    try {
      if (name.endsWith(".avro")) {
        byte[] body = Files.readAllBytes(file);
        return new Batch(body, Batches.transactionIds(body));
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
      return new Batch(
          Batches.write(transactions),
          transactions.stream().map(t -> String.valueOf(t.getTransactionId())).toList());
    } catch (NoSuchFileException e) {
      throw new UsageException("no file " + file);
    }
  }
}
