package org.parcelgate.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.protocol.Digests;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.ReceiptSigner;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.LogName;
import org.parcelgate.store.MinimizedBatch;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.TestAvroLimits;
import org.parcelgate.testing.TestPki;
import org.parcelgate.testing.TestPrivacy;
import org.parcelgate.validation.TransactionValidator;
import org.parcelgate.validation.ValidationPolicy;

/** The ingest pipeline against a real embedded store, without HTTP: what reaches the disk. */
class IngestServiceTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final String MARKER = "CANARY-7f3a9";

  @BeforeAll
  static void limits() {
    TestAvroLimits.apply();
  }

  @Test
  void storesOnlyTheMinimizedCopyOfRecords(@TempDir Path data) throws Exception {
    List<Transaction> records = SampleTransactions.batch(2, NOW.minusSeconds(3600));
    for (Transaction record : records) {
      var buyer = record.getBuyer();
      buyer.setBuyerId(MARKER + "-id");
      buyer.setName(MARKER + "-name");
      buyer.setEmail(MARKER + "@mail.example");
      buyer.setPhone("+31" + MARKER);
      buyer.setTaxId(MARKER + "-tax");
      buyer.getAddress().setLine1(MARKER + " street 1");
      buyer.getAddress().setCity(MARKER + "-city");
      buyer.getAddress().setPostalCode(MARKER + "-zip");
    }
    String batchId;
    try (GatewayStore store = EmbeddedStore.open(data, Clock.fixed(NOW, ZoneOffset.UTC))) {
      IngestService ingest = service(store);
      byte[] body = Containers.write(records);
      IngestService.Result result =
          ingest.ingest(
              new IngestService.Submission(
                  "marketplace-alpha", "jti-1", body, Digests.sha256Base64Url(body)));
      assertThat(result.accepted()).isEqualTo(2);
      batchId = result.batchId();

      MinimizedBatch stored = store.minimizedRecords(batchId, TestPrivacy.RECIPIENT).orElseThrow();
      List<GenericRecord> kept = read(stored.records());
      assertThat(kept).hasSize(2);
      for (GenericRecord record : kept) {
        GenericRecord buyer = (GenericRecord) record.get("buyer");
        assertThat(buyer.getSchema().getFields())
            .extracting(Schema.Field::name)
            .containsExactly("buyerId", "address");
        assertThat(buyer.get("buyerId").toString()).startsWith("p1_").doesNotContain(MARKER);
        GenericRecord address = (GenericRecord) buyer.get("address");
        assertThat(address.getSchema().getFields())
            .extracting(Schema.Field::name)
            .containsExactly("postalCode", "country");
        assertThat(((GenericRecord) record.get("seller")).get("name").toString()).isNotEmpty();
      }
      assertThat(new String(stored.records(), StandardCharsets.ISO_8859_1)).doesNotContain(MARKER);
      assertThat(store.logSize(LogName.MINIMIZATION))
          .as("one log entry for the batch and its recipient")
          .isEqualTo(1);
    }
    // And nowhere in the data directory's files.
    try (Stream<Path> files = Files.walk(data)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
            .as(file.getFileName().toString())
            .doesNotContain(MARKER);
      }
    }
  }

  private static IngestService service(GatewayStore store) throws IOException {
    SamplePki pki = TestPki.shared();
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    RecipientPolicies recipients = TestPrivacy.recipients();
    return new IngestService(
        new BatchDecoder(WriterSchemas.shipped(), new IngestLimits(1000, 1 << 24)),
        new TransactionValidator(ValidationPolicy.defaults(), clock),
        store,
        recipients,
        TestPrivacy.feedRecords(recipients),
        new ReceiptSigner(
            GatewaySigningKeys.load(pki.gatewaySigningKey(), Optional.empty()), "parcelgate-test"),
        clock);
  }

  private static List<GenericRecord> read(byte[] container) throws IOException {
    List<GenericRecord> records = new ArrayList<>();
    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(new ByteArrayInputStream(container), new GenericDatumReader<>())) {
      stream.forEach(records::add);
    }
    return records;
  }
}
