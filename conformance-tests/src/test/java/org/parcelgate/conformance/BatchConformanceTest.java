package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.batch;
import static org.parcelgate.conformance.Conformance.container;
import static org.parcelgate.conformance.Conformance.json;
import static org.parcelgate.conformance.Conformance.partner;
import static org.parcelgate.conformance.Conformance.records;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Adler32;
import java.util.zip.Deflater;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.Identity;
import org.parcelgate.schema.Seller;
import org.parcelgate.schema.Transaction;

/**
 * Protocol section 6: batches. Every algorithm's good path with its receipt verified, both writer
 * schemas, idempotency, the container refusals, record-by-record validation, and the configured
 * limits ({@code parcelgate.bodyLimit}, {@code parcelgate.maxRecords}, {@code
 * parcelgate.maxStringBytes}; see {@link Target}).
 */
@ExtendWith(ConformanceReport.class)
class BatchConformanceTest {
  /** Three ASCII bytes in a seller name, exchanged for a sequence that is not UTF-8. */
  private static final String UTF8_PLACEHOLDER = "QZQ";

  @Test
  void acceptsABatchSignedWithEachAlgorithmAndAnswersWithAReceiptThatVerifies() throws Exception {
    JWKSet keys = Conformance.gatewayKeys();
    for (Identity identity : Conformance.activePartners("marketplace")) {
      String marketplace = identity.partnerId();
      Partners partner = new Partners(Conformance.target(), identity);
      for (JWK key : identity.signingKeys()) {
        String alg = key.getAlgorithm().getName();
        byte[] body = batch(3);
        String requestJti = "conformance-" + UUID.randomUUID();
        HttpResponse<String> answer =
            partner.postBatch(body, partner.token(alg).jti(requestJti).body(body).sign());

        assertThat(answer.statusCode())
            .as("%s with %s: %s", marketplace, alg, answer.body())
            .isEqualTo(202);
        Map<String, Object> outcome = json(answer);
        assertThat(answer.headers().firstValue("Location"))
            .hasValue("/v1/batches/" + outcome.get("batchId"));
        assertThat(outcome.get("accepted")).isEqualTo(3L);
        assertThat(outcome.get("schemaVersion")).isEqualTo(2L);
        SignedJWT receipt = SignedJWT.parse(outcome.get("receipt").toString());
        assertThat(receipt.getHeader().getType().getType()).isEqualTo("parcelgate-receipt+jwt");
        assertThat(Conformance.verifies(receipt, keys)).as("receipt signature").isTrue();
        JWTClaimsSet claims = receipt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(marketplace);
        assertThat(claims.getIssuer()).isEqualTo(Conformance.target().audience);
        assertThat(claims.getStringClaim("batch_id")).isEqualTo(outcome.get("batchId"));
        assertThat(claims.getJWTID()).isEqualTo(outcome.get("batchId"));
        assertThat(claims.getStringClaim("body_sha256")).isEqualTo(sha256(body));
        assertThat(claims.getStringClaim("request_jti")).isEqualTo(requestJti);
        assertThat(claims.getStringClaim("writer_schema")).isEqualTo(fingerprint(v2()));
        assertThat(claims.getLongClaim("records")).isEqualTo(3L);
        assertThat(claims.getLongClaim("accepted")).isEqualTo(3L);
        assertThat(claims.getLongClaim("unchanged")).isEqualTo(0L);
        assertThat(claims.getLongClaim("rejected")).isEqualTo(0L);
      }
    }
  }

  @Test
  void acceptsABatchWrittenWithTheV1Schema() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    Schema v1 = schema("/org/parcelgate/schema/transaction-v1.avsc");
    byte[] body = v1Container(v1, records(2));

    HttpResponse<String> answer = alpha.postBatch(body, alpha.token().body(body).sign());

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    Map<String, Object> outcome = json(answer);
    assertThat(outcome.get("schemaVersion")).isEqualTo(1L);
    assertThat(outcome.get("writerSchema")).isEqualTo(fingerprint(v1));
    assertThat(outcome.get("accepted")).isEqualTo(2L);
  }

  @Test
  void answersARetryOfTheSameBodyWithTheOriginalAnswerAndOnlyToItsSender() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    Partners beta = partner("marketplace-beta");
    byte[] body = batch(2);

    HttpResponse<String> first = alpha.postBatch(body, alpha.token().body(body).sign());
    HttpResponse<String> retry = alpha.postBatch(body, alpha.token().body(body).sign());
    String path = "/v1/batches/" + json(first).get("batchId");
    HttpResponse<String> read = alpha.get(path, alpha.token().sign());

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo(first.body());
    assertProblem("another marketplace", beta.get(path, beta.token().sign()), 404, "not_found");
    assertProblem(
        "an unknown id",
        alpha.get("/v1/batches/" + UUID.randomUUID(), alpha.token().sign()),
        404,
        "not_found");
  }

  @Test
  void reportsTheSameRecordsInOtherBytesAsANewBatchOfUnchangedRecords() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    List<Transaction> records = records(2);
    Map<String, Object> first = json(post(alpha, container(records)));

    Map<String, Object> again = json(post(alpha, encodedContainer(encoded(records), false)));

    assertThat(again.get("batchId")).isNotEqualTo(first.get("batchId"));
    assertThat(again.get("accepted")).isEqualTo(0L);
    assertThat(again.get("unchanged")).isEqualTo(2L);
  }

  @Test
  void rejectsABrokenRecordAndAcceptsTheOthersOfTheSameBatch() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    List<Transaction> records = records(3);
    records.get(1).getItems().get(0).setHsCode("12");
    byte[] body = container(records);

    Map<String, Object> outcome = json(post(alpha, body));

    assertThat(outcome.get("accepted")).isEqualTo(2L);
    assertThat(outcome.get("rejected")).isEqualTo(1L);
    assertThat(indexes(outcome.get("acceptedRecords"))).containsExactly(0L, 2L);
    Map<?, ?> rejected = (Map<?, ?>) ((List<?>) outcome.get("rejectedRecords")).get(0);
    assertThat(rejected.get("index")).isEqualTo(1L);
    Map<?, ?> error = (Map<?, ?>) ((List<?>) rejected.get("errors")).get(0);
    assertThat(error.get("field")).isEqualTo("items[0].hsCode");
    assertThat(error.get("code")).isEqualTo("invalid_hs_code");
  }

  @Test
  void refusesAChangedRecordUnderAStoredIdUnlessItIsAnAmendment() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    List<Transaction> original = records(1);
    post(alpha, container(original));
    Transaction changed = Transaction.newBuilder(original.get(0)).build();
    changed.getShipment().setCarrier("Another Carrier");
    Transaction amendment = Transaction.newBuilder(changed).setAmendment(true).build();
    Transaction unknown = Transaction.newBuilder(records(1).get(0)).setAmendment(true).build();

    assertThat(rejectedCode(post(alpha, container(List.of(changed)))))
        .isEqualTo("transaction_id_conflict");
    assertThat(rejectedCode(post(alpha, container(List.of(unknown)))))
        .isEqualTo("amendment_of_unknown_transaction");
    Map<String, Object> amended = json(post(alpha, container(List.of(amendment))));
    Map<?, ?> stored = (Map<?, ?>) ((List<?>) amended.get("acceptedRecords")).get(0);
    assertThat(stored.get("version")).isEqualTo(2L);
  }

  @Test
  void refusesABodyThatIsNotAnAvroContainer() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = "{\"transactions\": []}".getBytes(StandardCharsets.UTF_8);
    assertProblem(alpha.postBatch(body, alpha.token().body(body).sign()), 400, "invalid_container");
  }

  @Test
  void acceptsTheZlibChecksumBytesPythonAvroWritersLeaveAfterADeflateBlock() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    List<byte[]> records = encoded(records(3));
    byte[] checksumPrefix = Arrays.copyOf(adler32(records), 3);

    byte[] wrongTail = checksumPrefix.clone();
    wrongTail[2] ^= 0x01;
    byte[] refused = zlibStyleDeflateContainer(records, wrongTail);
    assertProblem(
        "bytes after the deflate stream that are not its data's checksum",
        alpha.postBatch(refused, alpha.token().body(refused).sign()),
        400,
        "invalid_container");

    byte[] body = zlibStyleDeflateContainer(records, checksumPrefix);
    Map<String, Object> outcome = json(post(alpha, body));
    assertThat(outcome.get("accepted"))
        .as("fastavro and Apache avro (Python) write zlib.compress(data)[2:-1]")
        .isEqualTo(3L);
  }

  @Test
  void refusesAnAbsentOrEmptyBodyAsNoContainerAndStoresNothing() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    // Three framings of the same zero bytes (protocol section 2, Body binding), each twice: had the
    // gateway stored a batch for them, every later one would be its repeat, answered 200.
    record Framing(String name, List<String> headers, byte[] wire) {}
    List<Framing> framings =
        List.of(
            new Framing("absent", List.of(), new byte[0]),
            new Framing("Content-Length: 0", List.of("Content-Length: 0"), new byte[0]),
            new Framing(
                "chunked without a chunk",
                List.of("Transfer-Encoding: chunked"),
                RawHttp.chunked(new byte[0])));
    for (String round : List.of("", ", again")) {
      for (Framing framing : framings) {
        assertProblem(
            framing.name() + round,
            rawBatch(
                alpha, alpha.token().body(new byte[0]).sign(), framing.headers(), framing.wire()),
            400,
            "invalid_container");
      }
    }
    byte[] body = batch(1);
    HttpResponse<String> control =
        rawBatch(
            alpha,
            alpha.token().body(body).sign(),
            List.of("Content-Length: " + body.length),
            body);
    assertThat(control.statusCode())
        .as("a container sent the same way (control): %s", control.body())
        .isEqualTo(202);
  }

  @Test
  void refusesATransferCodingOtherThanChunkedAndStoresNothing() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = batch(2);
    for (String coding : List.of("gzip", "gzip, chunked", "identity")) {
      byte[] wire = coding.endsWith("chunked") ? RawHttp.chunked(body) : body;
      HttpResponse<String> answer =
          rawBatch(
              alpha,
              alpha.token().body(body).sign(),
              List.of("Transfer-Encoding: " + coding),
              wire);
      assertProblem(coding, answer, 400, "invalid_request");
      assertThat(answer.headers().firstValue("Connection"))
          .as("%s: Connection", coding)
          .hasValue("close");
    }
    HttpResponse<String> chunked =
        rawBatch(
            alpha,
            alpha.token().body(body).sign(),
            List.of("Transfer-Encoding: chunked"),
            RawHttp.chunked(body));
    assertThat(chunked.statusCode())
        .as("the same batch chunked (control), new, not a repeat: %s", chunked.body())
        .isEqualTo(202);
    assertThat(json(chunked).get("accepted")).isEqualTo(2L);
  }

  @Test
  void refusesAnotherMediaType() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = batch(1);
    assertProblem(
        alpha.send(
            "POST",
            "/v1/batches",
            alpha.token().body(body).sign(),
            Map.of("Content-Type", "application/json"),
            body),
        415,
        "unsupported_media_type");
  }

  @Test
  void refusesAnUnregisteredWriterSchema() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    Schema renamed =
        new Schema.Parser()
            .parse(Transaction.getClassSchema().toString().replace("\"Transaction\"", "\"Order\""));
    byte[] body = container(renamed, records(1));
    assertProblem(
        alpha.postBatch(body, alpha.token().body(body).sign()), 400, "unknown_writer_schema");
  }

  @Test
  void refusesACodecOtherThanNullOrDeflate() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = withCodecName(container(records(1)), "snappy");
    assertProblem(alpha.postBatch(body, alpha.token().body(body).sign()), 400, "unsupported_codec");
  }

  @Test
  void refusesARecordThatCannotBeDecodedAndStoresNothingOfItsBatch() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    List<Transaction> valid = records(1);
    List<byte[]> records = new ArrayList<>(encoded(valid));
    records.add(unionBranchOutOfRange());
    byte[] body = encodedContainer(records, true);

    assertProblem(
        "a union branch out of range",
        alpha.postBatch(body, alpha.token().body(body).sign()),
        400,
        "malformed_record");
    Map<String, Object> later = json(post(alpha, container(valid)));
    assertThat(later.get("accepted")).as("the valid record was not stored before").isEqualTo(1L);
  }

  @Test
  void refusesAStringThatIsNotWellFormedUtf8AndStoresNothingOfItsBatch() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    List<Transaction> records = records(2);
    Seller seller = records.get(1).getSeller();
    seller.setName(seller.getName() + " " + UTF8_PLACEHOLDER);
    // Null codec: the second record's seller name lies in the container as written, so three of
    // its bytes can be exchanged for three others without changing any length.
    byte[] valid = encodedContainer(encoded(records), false);
    int at = indexOf(valid, UTF8_PLACEHOLDER.getBytes(StandardCharsets.US_ASCII));
    assertThat(at).as("the placeholder is in the container once").isNotNegative();
    assertThat(indexOf(valid, UTF8_PLACEHOLDER.getBytes(StandardCharsets.US_ASCII), at + 1))
        .as("and only once")
        .isNegative();
    Map<String, byte[]> sequences = new LinkedHashMap<>();
    sequences.put("byte FF", new byte[] {'x', (byte) 0xFF, 'x'});
    sequences.put("overlong C0 AF", new byte[] {(byte) 0xC0, (byte) 0xAF, 'x'});
    sequences.put("surrogate ED A0 80", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});

    for (var sequence : sequences.entrySet()) {
      byte[] patched = valid.clone();
      System.arraycopy(sequence.getValue(), 0, patched, at, 3);
      assertThat(sellerNameAsAvroDecodesIt(patched))
          .as(
              "%s: a well-formed container whose name Avro alone reads as U+FFFD",
              sequence.getKey())
          .contains("\uFFFD");
      assertProblem(
          sequence.getKey(),
          alpha.postBatch(patched, alpha.token().body(patched).sign()),
          400,
          "malformed_record");
    }
    Map<String, Object> later = json(post(alpha, valid));
    assertThat(later.get("accepted"))
        .as("the same batch well-formed (control): both records new, nothing stored before")
        .isEqualTo(2L);
  }

  @Test
  void refusesAnEmptyContainer() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = container(List.of());
    assertProblem(alpha.postBatch(body, alpha.token().body(body).sign()), 400, "empty_batch");
  }

  @Test
  void refusesABodyOverTheLimitBeforeReadingTheToken() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    int limit = Conformance.target().bodyLimit;
    assertProblem(
        "one byte over the limit",
        alpha.postBatch(Partners.zeros(limit + 1L), "not even a token"),
        413,
        "body_too_large");
    // At the limit the body is read, and the token decides.
    assertProblem(
        "exactly the limit",
        alpha.postBatch(Partners.zeros(limit), "not even a token"),
        401,
        "invalid_token");
  }

  @Test
  void refusesMoreRecordsThanTheLimit() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] record = encoded(records(1)).get(0);
    byte[] body =
        encodedContainer(Collections.nCopies(Conformance.target().maxRecords + 1, record), true);
    assertProblem(alpha.postBatch(body, alpha.token().body(body).sign()), 413, "too_many_records");
  }

  @Test
  void refusesAStringOverTheValueLimit() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    List<Transaction> records = records(1);
    records
        .get(0)
        .getItems()
        .get(0)
        .setDescription("x".repeat(Conformance.target().maxStringBytes + 1));
    byte[] body = container(records);
    assertProblem(alpha.postBatch(body, alpha.token().body(body).sign()), 413, "value_too_large");
  }

  /** A batch POST written byte for byte, framed by the header lines given. */
  private static HttpResponse<String> rawBatch(
      Partners partner, String token, List<String> framing, byte[] wire) throws IOException {
    List<String> headers = new ArrayList<>();
    headers.add("Authorization: Bearer " + token);
    headers.add("Content-Type: " + Partners.BATCH_MEDIA_TYPE);
    headers.addAll(framing);
    return partner.raw("POST", "/v1/batches", headers, wire);
  }

  /** The second record's seller name as Avro's own (lenient) decoder reads the container. */
  private static String sellerNameAsAvroDecodesIt(byte[] container) throws IOException {
    try (DataFileReader<GenericRecord> reader =
        new DataFileReader<>(new SeekableByteArrayInput(container), new GenericDatumReader<>())) {
      reader.next();
      return ((GenericRecord) reader.next().get("seller")).get("name").toString();
    }
  }

  private static HttpResponse<String> post(Partners partner, byte[] body) throws Exception {
    HttpResponse<String> answer = partner.postBatch(body, partner.token().body(body).sign());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    return answer;
  }

  private static List<Object> indexes(Object records) {
    return ((List<?>) records).stream().map(r -> (Object) ((Map<?, ?>) r).get("index")).toList();
  }

  private static String rejectedCode(HttpResponse<String> answer) throws Exception {
    Map<?, ?> rejected = (Map<?, ?>) ((List<?>) json(answer).get("rejectedRecords")).get(0);
    return ((Map<?, ?>) ((List<?>) rejected.get("errors")).get(0)).get("code").toString();
  }

  /** Each record's Avro binary encoding with the current (v2) schema. */
  private static List<byte[]> encoded(List<Transaction> records) throws IOException {
    SpecificDatumWriter<Transaction> writer = new SpecificDatumWriter<>(Transaction.class);
    List<byte[]> encoded = new ArrayList<>();
    for (Transaction record : records) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      writer.write(record, encoder);
      encoder.flush();
      encoded.add(out.toByteArray());
    }
    return encoded;
  }

  /**
   * A v2 container of records already encoded, null or deflate: many records cost one encoding, and
   * a record need not be valid.
   */
  private static byte[] encodedContainer(List<byte[]> records, boolean deflate) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Transaction> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(Transaction.class))) {
      if (deflate) {
        writer.setCodec(org.apache.avro.file.CodecFactory.deflateCodec(6));
      }
      writer.create(Transaction.getClassSchema(), out);
      for (byte[] record : records) {
        writer.appendEncoded(ByteBuffer.wrap(record));
      }
    }
    return out.toByteArray();
  }

  /**
   * A v2 container with one deflate block as fastavro and Apache avro for Python write it: the raw
   * deflate stream of the records, then the given bytes (they leave three of the zlib stream's four
   * Adler-32 bytes).
   */
  private static byte[] zlibStyleDeflateContainer(List<byte[]> records, byte[] tail)
      throws IOException {
    byte[] javaWritten = encodedContainer(records, true);
    byte[] sync = Arrays.copyOfRange(javaWritten, javaWritten.length - 16, javaWritten.length);
    int headerEnd = indexOf(javaWritten, sync) + sync.length;
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (byte[] record : records) {
      raw.write(record);
    }
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(raw.toByteArray());
    deflater.finish();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    while (!deflater.finished()) {
      stream.write(chunk, 0, deflater.deflate(chunk));
    }
    deflater.end();
    stream.write(tail);
    byte[] data = stream.toByteArray();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(javaWritten, 0, headerEnd);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    encoder.writeLong(records.size());
    encoder.writeLong(data.length);
    encoder.flush();
    out.write(data);
    out.write(sync);
    return out.toByteArray();
  }

  /** The big-endian Adler-32 of the records' bytes, as a zlib stream ends with it. */
  private static byte[] adler32(List<byte[]> records) {
    Adler32 adler = new Adler32();
    records.forEach(adler::update);
    return ByteBuffer.allocate(4).putInt((int) adler.getValue()).array();
  }

  /**
   * The start of a record whose first union ({@code iossNumber}: null or string) names branch 7.
   */
  private static byte[] unionBranchOutOfRange() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    encoder.writeString("ORD-MALFORMED");
    encoder.writeBoolean(false);
    encoder.writeLong(0);
    encoder.writeIndex(7);
    encoder.flush();
    return out.toByteArray();
  }

  /**
   * A deflate container whose header names another codec instead (a real Avro codec, shorter than
   * 16 letters): the header's map has no byte size, so its entry is replaced in place.
   */
  private static byte[] withCodecName(byte[] deflateContainer, String codec) {
    byte[] deflate = metadataEntry("avro.codec", "deflate");
    byte[] other = metadataEntry("avro.codec", codec);
    int at = indexOf(deflateContainer, deflate);
    assertThat(at).as("the container header names the deflate codec").isNotNegative();
    ByteArrayOutputStream patched = new ByteArrayOutputStream();
    patched.write(deflateContainer, 0, at);
    patched.write(other, 0, other.length);
    int rest = at + deflate.length;
    patched.write(deflateContainer, rest, deflateContainer.length - rest);
    return patched.toByteArray();
  }

  /** A metadata key and value as Avro writes them: each a zig-zag length (under 64) and bytes. */
  private static byte[] metadataEntry(String key, String value) {
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    for (String part : List.of(key, value)) {
      byte[] bytes = part.getBytes(StandardCharsets.US_ASCII);
      entry.write(bytes.length * 2);
      entry.write(bytes, 0, bytes.length);
    }
    return entry.toByteArray();
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    return indexOf(bytes, part, 0);
  }

  private static int indexOf(byte[] bytes, byte[] part, int from) {
    for (int i = from; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }

  /** The records as a v1 writer writes them: read with v1 as the reader, then written with v1. */
  private static byte[] v1Container(Schema v1, List<Transaction> records) throws IOException {
    GenericDatumReader<GenericRecord> toV1 =
        new GenericDatumReader<>(Transaction.getClassSchema(), v1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new GenericDatumWriter<>(v1))) {
      writer.create(v1, out);
      for (byte[] record : encoded(records)) {
        writer.append(toV1.read(null, DecoderFactory.get().binaryDecoder(record, null)));
      }
    }
    return out.toByteArray();
  }

  private static Schema v2() throws IOException {
    return schema("/org/parcelgate/schema/transaction-v2.avsc");
  }

  private static Schema schema(String resource) throws IOException {
    try (InputStream in = Transaction.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new Schema.Parser().parse(in);
    }
  }

  /** SHA-256 of the schema's Parsing Canonical Form, hex (docs/data-model.md). */
  private static String fingerprint(Schema schema) throws Exception {
    return HexFormat.of().formatHex(SchemaNormalization.parsingFingerprint("SHA-256", schema));
  }

  private static String sha256(byte[] body) throws Exception {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
  }
}
