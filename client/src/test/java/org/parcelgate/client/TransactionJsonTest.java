package org.parcelgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;

class TransactionJsonTest {
  private static final Instant ORDERED = Instant.parse("2026-11-28T09:00:00Z");

  @Test
  void readsBackWhatItWrites() throws IOException {
    List<Transaction> transactions = SampleTransactions.batch(1, 6, ORDERED);

    assertThat(read(TransactionJson.write(transactions))).isEqualTo(transactions);
  }

  @Test
  void acceptsABareArrayAndEpochMillisecondsAndLeavesOutOptionalFields() throws IOException {
    String json =
        TransactionJson.write(List.of(SampleTransactions.valid(1, ORDERED)))
            .replace("\"2026-11-28T09:00:00Z\"", Long.toString(ORDERED.toEpochMilli()));
    String array = json.substring(json.indexOf('['), json.lastIndexOf(']') + 1);

    Transaction transaction = read(array).get(0);

    assertThat(transaction.getOrderTime()).isEqualTo(ORDERED);
  }

  @Test
  void namesTheFieldOfAMissingRequiredValue() {
    String json = sample().replaceFirst("\"trackingNumber\" : \"[^\"]*\",", "");

    assertThatThrownBy(() -> read(json))
        .isInstanceOf(TransactionJson.InvalidTransactionException.class)
        .hasMessage("transactions[0].shipment.trackingNumber must be text");
  }

  @Test
  void refusesAnUnknownFieldSoATypoIsNotSilentlyDropped() {
    String json = sample().replaceFirst("\"carrier\"", "\"carier\"");

    assertThatThrownBy(() -> read(json))
        .hasMessageContaining("transactions[0].shipment.carier is not a field of Shipment");
  }

  @Test
  void refusesAWrongTypeAnUnknownSymbolAndABadInstantWithoutEchoingTheValue() {
    assertThatThrownBy(
            () -> read(sample().replaceFirst("\"packages\" : 1", "\"packages\" : \"one\"")))
        .hasMessage("transactions[0].shipment.packages must be a whole number");
    assertThatThrownBy(
            () ->
                read(sample().replaceFirst("\"method\" : \"[A-Z_]+\"", "\"method\" : \"BARTER\"")))
        .hasMessageStartingWith("transactions[0].payment.method must be one of CARD")
        .hasMessageNotContaining("BARTER");
    assertThatThrownBy(() -> read(sample().replace("2026-11-28T09:00:00Z", "yesterday")))
        .hasMessageContaining("must be an ISO-8601 instant")
        .hasMessageNotContaining("yesterday");
    assertThatThrownBy(() -> read("{\"orders\": []}"))
        .hasMessageContaining("array of transactions");
    assertThatThrownBy(() -> read("{not json")).hasMessageContaining("not JSON");
  }

  @Test
  void writesAContainerOfTheTransactionsInOrder() throws IOException {
    List<Transaction> transactions = SampleTransactions.batch(1, 3, ORDERED);

    byte[] container = Batches.write(transactions);

    try (DataFileStream<Transaction> records =
        new DataFileStream<>(
            new ByteArrayInputStream(container), new SpecificDatumReader<>(Transaction.class))) {
      List<Transaction> read = new java.util.ArrayList<>();
      records.forEach(read::add);
      assertThat(read).containsExactlyElementsOf(transactions);
    }
    assertThatThrownBy(() -> Batches.write(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writesTheSameTransactionsToTheSameBytesSoARerunIsTheSameBatch() {
    List<Transaction> transactions = SampleTransactions.batch(1, 3, ORDERED);
    List<Transaction> other = SampleTransactions.batch(2, 3, ORDERED);

    assertThat(Batches.write(transactions)).isEqualTo(Batches.write(transactions));
    assertThat(Batches.write(other)).isNotEqualTo(Batches.write(transactions));
  }

  private static String sample() {
    return TransactionJson.write(List.of(SampleTransactions.valid(1, ORDERED)));
  }

  private static List<Transaction> read(String json) throws IOException {
    return TransactionJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }
}
