package org.parcelgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * One page of a customs feed whose signature verified: over exactly {@link #body()}, by a key the
 * gateway publishes, addressed to this partner, for the request sent.
 *
 * @param records the records of a JSON page, in position order; empty for an Avro page
 * @param nextCursor the cursor of the next page; keep it durably once the page is stored
 * @param more whether records after {@code nextCursor} matched when the page was made
 * @param avro whether the body is an Avro object container ({@link #avroRecords()})
 * @param body the exact bytes the signature covers
 * @param keyId the {@code kid} of the gateway key that signed the page
 */
public record FeedPage(
    List<JsonNode> records,
    String nextCursor,
    boolean more,
    boolean avro,
    byte[] body,
    String keyId) {

  public FeedPage {
    records = List.copyOf(records);
  }

  /**
   * The risk of each record of a price page, JSON or Avro, in record order: empty for a record the
   * gateway did not assess (risk off).
   *
   * @throws ClientException for a record whose risk is not the protocol's
   */
  public List<Optional<RecordRisk>> risks() {
    return avro
        ? avroRecords().stream().map(RecordRisk::of).toList()
        : records.stream().map(RecordRisk::of).toList();
  }

  /**
   * The risk summary of each record of a JSON seller page, in record order: empty when the gateway
   * does not assess risk.
   *
   * @throws ClientException for a record whose risk is not the protocol's
   */
  public List<Optional<SellerRisk>> sellerRisks() {
    if (avro) {
      throw new IllegalStateException("an Avro page; read avroRecords()");
    }
    return records.stream().map(SellerRisk::of).toList();
  }

  /** The records of an Avro page, read with the schema the container names. */
  public List<GenericRecord> avroRecords() {
    if (!avro) {
      throw new IllegalStateException("a JSON page; read records()");
    }
    try (DataFileReader<GenericRecord> reader =
        new DataFileReader<>(new SeekableByteArrayInput(body), new GenericDatumReader<>())) {
      List<GenericRecord> records = new ArrayList<>();
      reader.forEach(records::add);
      return records;
    } catch (IOException e) {
      throw new UncheckedIOException("the page's container cannot be read", e);
    }
  }
}
