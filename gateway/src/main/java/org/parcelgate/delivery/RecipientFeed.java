package org.parcelgate.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.parcelgate.ingest.WriterSchemas;
import org.parcelgate.privacy.Minimizer;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.store.IndexEntry;
import org.parcelgate.store.PriceRow;

/**
 * One recipient's feed records, made from the records its policy minimized: the narrow row of a
 * price record per record (the record itself stays in the recipient's minimized copy of the batch),
 * and the seller part that keeps the seller record current. Every value it indexes (the
 * destination, tracking number, seller id, currency and goods value) is read from the minimized
 * record, so the feed can neither be filtered nor looked up by a value the policy removed.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecipientFeed {
  private final String recipient;
  private final Schema schema;
  private final Schema sellerSchema;
  private final String sellerFingerprint;

  public RecipientFeed(Minimizer minimizer) {
    this.recipient = minimizer.recipient();
    this.schema = minimizer.outputSchema();
    this.sellerSchema = Avro.fieldRecordSchema(schema, "seller");
    this.sellerFingerprint = sellerSchema == null ? null : WriterSchemas.fingerprint(sellerSchema);
  }

  public String recipient() {
    return recipient;
  }

  /** The minimized record schema of the policy in force. */
  public Schema schema() {
    return schema;
  }

  /** The schema of the seller part of the minimized records; null if the policy keeps none. */
  public Schema sellerSchema() {
    return sellerSchema;
  }

  public String sellerFingerprint() {
    return sellerFingerprint;
  }

  /**
   * The price records of one batch for this recipient.
   *
   * @param entries the index entries of the batch's accepted records, by accepted position
   */
  public List<PriceRow> priceRows(
      RecipientPolicies.RecipientRecords copy, List<IndexEntry> entries) {
    List<PriceRow> rows = new ArrayList<>(copy.records().size());
    GenericDatumWriter<GenericRecord> sellerWriter =
        sellerSchema == null ? null : new GenericDatumWriter<>(sellerSchema);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    BinaryEncoder encoder = null;
    for (int i = 0; i < copy.records().size(); i++) {
      GenericRecord record = copy.records().get(i);
      int position = copy.positions().get(i);
      IndexEntry entry = entries.get(position);
      byte[] seller = null;
      Object sellerPart = Avro.path(record, "seller");
      if (sellerWriter != null && sellerPart instanceof GenericRecord sellerRecord) {
        bytes.reset();
        encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
        seller = write(sellerWriter, sellerRecord, encoder, bytes);
      }
      Object value = Avro.path(record, "amounts", "goodsValueMinor");
      rows.add(
          new PriceRow(
              recipient,
              entry.transactionId(),
              entry.version(),
              position,
              i,
              Avro.text(record, "shipment", "destinationCountry"),
              Avro.text(record, "shipment", "trackingNumber"),
              Avro.text(record, "seller", "sellerId"),
              Avro.text(record, "amounts", "currency"),
              value instanceof Number number ? number.longValue() : null,
              seller == null ? null : sellerFingerprint,
              seller));
    }
    return rows;
  }

  private static byte[] write(
      GenericDatumWriter<GenericRecord> writer,
      GenericRecord record,
      BinaryEncoder encoder,
      ByteArrayOutputStream bytes) {
    try {
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
