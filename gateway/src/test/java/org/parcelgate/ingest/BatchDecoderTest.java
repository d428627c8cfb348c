package org.parcelgate.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.TestAvroLimits;

/**
 * Decoding batches: both writer versions, both codecs, and every hostile container shape refused
 * with its code.
 */
class BatchDecoderTest {
  private static final Instant ORDERED = Instant.parse("2026-11-20T10:15:30Z");
  private final List<Transaction> three = SampleTransactions.batch(3, ORDERED);
  private final BatchDecoder decoder =
      new BatchDecoder(WriterSchemas.shipped(), new IngestLimits(100, 1 << 20));

  @BeforeAll
  static void limits() {
    TestAvroLimits.apply();
  }

  private void assertRefused(byte[] container, ProblemCode code) {
    assertRefused(decoder, container, code);
  }

  private static void assertRefused(BatchDecoder decoder, byte[] container, ProblemCode code) {
    assertThatThrownBy(() -> decoder.decode(container))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.problem()).isEqualTo(code));
  }

  @Test
  void decodesV2WithNullAndDeflateCodecs() {
    for (CodecFactory codec : List.of(CodecFactory.nullCodec(), CodecFactory.deflateCodec(9))) {
      BatchDecoder.DecodedBatch batch =
          decoder.decode(Containers.write(three, Containers.v2(), codec));
      assertThat(batch.writer().version()).isEqualTo(2);
      assertThat(batch.records()).isEqualTo(three);
    }
  }

  @Test
  void decodesV1WriterIntoTheV2Reader() {
    BatchDecoder.DecodedBatch batch =
        decoder.decode(Containers.write(three, Containers.v1(), CodecFactory.deflateCodec(6)));
    assertThat(batch.writer().version()).isEqualTo(1);
    assertThat(batch.records()).hasSize(3);
    assertThat(batch.records().get(0).getTransactionId())
        .isEqualTo(three.get(0).getTransactionId());
    assertThat(batch.records().get(0).getItems().get(0).getBrand()).isNull();
  }

  @Test
  void decodesManyBlocks() {
    List<Transaction> many = SampleTransactions.batch(60, ORDERED);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var file =
        new org.apache.avro.file.DataFileWriter<Transaction>(
            new org.apache.avro.specific.SpecificDatumWriter<>(Transaction.class))) {
      file.setSyncInterval(64);
      file.create(Transaction.getClassSchema(), out);
      for (Transaction t : many) {
        file.append(t);
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertThat(decoder.decode(out.toByteArray()).records()).isEqualTo(many);
  }

  @Test
  void refusesUnregisteredWriterSchema() {
    Schema other =
        SchemaBuilder.record("Transaction")
            .namespace("org.parcelgate.schema")
            .fields()
            .requiredString("transactionId")
            .endRecord();
    byte[] container = Containers.write(List.of(), other, CodecFactory.nullCodec());
    assertRefused(container, ProblemCode.UNKNOWN_WRITER_SCHEMA);
  }

  @Test
  void refusesUnknownCodec() {
    byte[] container = Containers.write(three, Containers.v2(), CodecFactory.nullCodec());
    assertRefused(
        replace(container, "avro.codec\bnull", "avro.codec\bzstd"), ProblemCode.UNSUPPORTED_CODEC);
  }

  @Test
  void refusesBodyThatIsNotAContainer() {
    assertRefused(
        "{\"transactions\":[]}".getBytes(StandardCharsets.UTF_8), ProblemCode.INVALID_CONTAINER);
    assertRefused(new byte[0], ProblemCode.INVALID_CONTAINER);
  }

  @Test
  void refusesTruncatedBlock() {
    byte[] container = Containers.write(three, Containers.v2(), CodecFactory.deflateCodec(6));
    assertRefused(Arrays.copyOf(container, container.length - 30), ProblemCode.INVALID_CONTAINER);
  }

  @Test
  void refusesWrongSyncMarker() {
    byte[] container = Containers.write(three, Containers.v2(), CodecFactory.nullCodec());
    container[container.length - 1] ^= 0x5a;
    assertRefused(container, ProblemCode.INVALID_CONTAINER);
  }

  @Test
  void refusesTrailingGarbage() {
    byte[] container = Containers.write(three, Containers.v2(), CodecFactory.nullCodec());
    byte[] garbage = Arrays.copyOf(container, container.length + 7);
    assertRefused(garbage, ProblemCode.INVALID_CONTAINER);
  }

  @Test
  void refusesEmptyBatch() {
    assertRefused(
        Containers.write(List.of(), Containers.v2(), CodecFactory.nullCodec()),
        ProblemCode.EMPTY_BATCH);
  }

  @Test
  void refusesMoreRecordsThanTheLimit() {
    BatchDecoder small = new BatchDecoder(WriterSchemas.shipped(), new IngestLimits(2, 1 << 20));
    assertRefused(small, Containers.write(three), ProblemCode.TOO_MANY_RECORDS);
  }

  @Test
  void refusesDeflateBombOverTheDecompressedLimit() {
    BatchDecoder small = new BatchDecoder(WriterSchemas.shipped(), new IngestLimits(100, 2048));
    assertRefused(small, Containers.write(three), ProblemCode.DECOMPRESSED_TOO_LARGE);
  }

  @Test
  void refusesStringOverTheAvroLimit() {
    Transaction record = SampleTransactions.valid(1, ORDERED);
    record.getItems().get(0).setDescription("x".repeat(16385));
    assertRefused(Containers.write(List.of(record)), ProblemCode.VALUE_TOO_LARGE);
  }

  @Test
  void refusesHugeDeclaredLengthWithoutAllocatingIt() {
    byte[] container =
        Containers.write(three.subList(0, 1), Containers.v2(), CodecFactory.nullCodec());
    int record = RecordOffsets.firstRecord(container);
    // transactionId's length: a varint claiming about 2^40 bytes. It must be a 4xx, never an
    // allocation of that size.
    byte[] hostile = RecordOffsets.spliceVarint(container, record, 1L << 40);
    assertThatThrownBy(() -> decoder.decode(hostile))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e ->
                assertThat(e.problem())
                    .isIn(
                        ProblemCode.VALUE_TOO_LARGE,
                        ProblemCode.MALFORMED_RECORD,
                        ProblemCode.INVALID_CONTAINER));
  }

  @Test
  void refusesOutOfRangeUnionIndex() {
    Transaction one = three.get(0);
    byte[] container = Containers.write(List.of(one), Containers.v2(), CodecFactory.nullCodec());
    int union = RecordOffsets.iossUnionIndex(container, one);
    byte[] hostile = container.clone();
    hostile[union] = 0x0a; // zig-zag 5: a branch the union does not have
    assertRefused(hostile, ProblemCode.MALFORMED_RECORD);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource({
    "eda080, a lone surrogate encoded in UTF-8",
    "c0af, an overlong form",
    "e080af, an overlong three-byte form",
    "e282, a sequence cut short",
    "ff, a byte that never occurs in UTF-8",
    "80, a continuation byte without a lead"
  })
  void refusesTheBatchWhenAStringIsNotWellFormedUtf8(String hex, String what) {
    List<Transaction> records = SampleTransactions.batch(3, ORDERED);
    records.get(1).getSeller().setName("SellerNameMarker");
    byte[] container = Containers.write(records, Containers.v2(), CodecFactory.nullCodec());
    byte[] hostile = container.clone();
    byte[] marker = "SellerNameMarker".getBytes(StandardCharsets.US_ASCII);
    byte[] invalid = java.util.HexFormat.of().parseHex(hex);
    int at = indexOf(container, marker);
    System.arraycopy(invalid, 0, hostile, at + 6, invalid.length); // "Seller" then the bytes

    assertThatThrownBy(() -> decoder.decode(hostile))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.problem()).isEqualTo(ProblemCode.MALFORMED_RECORD);
              assertThat(e.detail())
                  .isEqualTo("record 1 holds a string that is not well-formed UTF-8");
            });
  }

  @Test
  void decodesWellFormedNonAsciiTextUnchanged() {
    List<Transaction> records = SampleTransactions.batch(1, ORDERED);
    records.get(0).getSeller().setName("Société Générale € 𝄞 \uFFFD");

    BatchDecoder.DecodedBatch batch =
        decoder.decode(Containers.write(records, Containers.v2(), CodecFactory.deflateCodec(6)));

    assertThat(batch.records().get(0).getSeller().getName())
        .isEqualTo("Société Générale € 𝄞 \uFFFD");
  }

  @Test
  void refusesAWriterSchemaThatIsNotUtf8Text() {
    byte[] container = Containers.write(three, Containers.v2(), CodecFactory.nullCodec());
    byte[] hostile = container.clone();
    // In a doc string, which the fingerprint (over the Parsing Canonical Form) leaves out: decoded
    // leniently, the schema would still match the registered version.
    hostile[indexOf(container, "One order".getBytes(StandardCharsets.US_ASCII)) + 3] = (byte) 0xff;
    assertRefused(hostile, ProblemCode.UNKNOWN_WRITER_SCHEMA);
  }

  static List<String> foreignContainers() {
    return ForeignContainers.ALL;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("foreignContainers")
  void decodesContainersWrittenByOtherAvroImplementations(String name) {
    BatchDecoder.DecodedBatch batch = decoder.decode(ForeignContainers.read(name));
    // The reference: the sample transactions as the project's Java writer wrote them when the
    // fixtures were made (the sample generator has changed since; the fixtures have not).
    List<Transaction> written = decoder.decode(ForeignContainers.read("java-deflate")).records();

    assertThat(batch.writer().version()).isEqualTo(2);
    assertThat(batch.records()).hasSize(ForeignContainers.RECORDS);
    assertThat(batch.records())
        .extracting(record -> record.getTransactionId().toString())
        .containsExactly("ORD-7001", "ORD-7002", "ORD-7003");
    assertThat(batch.records()).isEqualTo(written);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fastavro-deflate", "avro-python-deflate"})
  void pythonWritersLeaveTheFirstThreeChecksumBytesAfterTheDeflateStream(String name) {
    // What the fixtures must show for the tests around them to mean anything.
    ForeignContainers.DeflateBlock block =
        ForeignContainers.deflateBlock(ForeignContainers.read(name));
    assertThat(block.tail()).isEqualTo(block.checksumPrefix(3));
  }

  @Test
  void acceptsTheWholeZlibChecksumAfterADeflateStream() {
    byte[] fastavro = ForeignContainers.read("fastavro-deflate");
    ForeignContainers.DeflateBlock block = ForeignContainers.deflateBlock(fastavro);

    byte[] whole = ForeignContainers.withBlock(fastavro, block.stream(), block.checksumPrefix(4));

    assertThat(decoder.decode(whole).records()).hasSize(ForeignContainers.RECORDS);
  }

  @Test
  void acceptsADeflateStreamWithNothingAfterIt() {
    byte[] fastavro = ForeignContainers.read("fastavro-deflate");
    ForeignContainers.DeflateBlock block = ForeignContainers.deflateBlock(fastavro);

    byte[] bare = ForeignContainers.withBlock(fastavro, block.stream(), new byte[0]);

    assertThat(decoder.decode(bare).records()).hasSize(ForeignContainers.RECORDS);
  }

  /** What may follow a deflate stream, by what it is; the fastavro fixture's block as the base. */
  enum Tail {
    ONE_CHECKSUM_BYTE,
    TWO_CHECKSUM_BYTES,
    WHOLE_CHECKSUM_AND_ONE_MORE_BYTE,
    LITTLE_ENDIAN_CHECKSUM,
    THREE_BYTES_OF_ANOTHER_CHECKSUM,
    WHOLE_CHECKSUM_WITH_ITS_LAST_BYTE_CHANGED,
    THREE_ZEROS,
    A_SECOND_DEFLATE_STREAM;

    byte[] of(ForeignContainers.DeflateBlock block) {
      byte[] whole = block.checksumPrefix(4);
      return switch (this) {
        case ONE_CHECKSUM_BYTE -> Arrays.copyOf(whole, 1);
        case TWO_CHECKSUM_BYTES -> Arrays.copyOf(whole, 2);
        case WHOLE_CHECKSUM_AND_ONE_MORE_BYTE -> Arrays.copyOf(whole, 5);
        case LITTLE_ENDIAN_CHECKSUM -> new byte[] {whole[3], whole[2], whole[1], whole[0]};
        case THREE_BYTES_OF_ANOTHER_CHECKSUM -> {
          byte[] other = Arrays.copyOf(whole, 3);
          other[2] ^= 0x01;
          yield other;
        }
        case WHOLE_CHECKSUM_WITH_ITS_LAST_BYTE_CHANGED -> {
          byte[] other = whole.clone();
          other[3] ^= 0x01;
          yield other;
        }
        case THREE_ZEROS -> new byte[3];
        case A_SECOND_DEFLATE_STREAM -> block.stream();
      };
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "ONE_CHECKSUM_BYTE, a deflate block has bytes after its end",
    "TWO_CHECKSUM_BYTES, a deflate block has bytes after its end",
    "WHOLE_CHECKSUM_AND_ONE_MORE_BYTE, a deflate block has bytes after its end",
    "A_SECOND_DEFLATE_STREAM, a deflate block has bytes after its end",
    "LITTLE_ENDIAN_CHECKSUM, a deflate block's trailing checksum does not match its data",
    "THREE_BYTES_OF_ANOTHER_CHECKSUM, a deflate block's trailing checksum does not match its data",
    "WHOLE_CHECKSUM_WITH_ITS_LAST_BYTE_CHANGED, a deflate block's trailing checksum does not match"
        + " its data",
    "THREE_ZEROS, a deflate block's trailing checksum does not match its data"
  })
  void refusesAnythingElseAfterADeflateStream(Tail tail, String detail) {
    byte[] fastavro = ForeignContainers.read("fastavro-deflate");
    ForeignContainers.DeflateBlock block = ForeignContainers.deflateBlock(fastavro);
    byte[] hostile = ForeignContainers.withBlock(fastavro, block.stream(), tail.of(block));

    assertThatThrownBy(() -> decoder.decode(hostile))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.problem()).isEqualTo(ProblemCode.INVALID_CONTAINER);
              assertThat(e.detail()).isEqualTo(detail);
            });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fastavro-deflate", "avro-python-deflate", "avsc-deflate"})
  void refusesAForeignDeflateBatchOverTheDecompressedLimit(String name) {
    BatchDecoder small = new BatchDecoder(WriterSchemas.shipped(), new IngestLimits(100, 2048));
    assertRefused(small, ForeignContainers.read(name), ProblemCode.DECOMPRESSED_TOO_LARGE);
  }

  @Test
  void refusesChecksumBytesAfterANullCodecBlock() {
    byte[] fastavro = ForeignContainers.read("fastavro-null");
    byte[] records = ForeignContainers.block(fastavro);
    java.util.zip.Adler32 adler = new java.util.zip.Adler32();
    adler.update(records);
    long checksum = adler.getValue();
    byte[] tail = {(byte) (checksum >>> 24), (byte) (checksum >>> 16), (byte) (checksum >>> 8)};
    byte[] hostile = ForeignContainers.withBlock(fastavro, records, tail);

    assertThatThrownBy(() -> decoder.decode(hostile))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.problem()).isEqualTo(ProblemCode.INVALID_CONTAINER);
              assertThat(e.detail()).isEqualTo("a block holds bytes after its declared records");
            });
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  private static byte[] replace(byte[] bytes, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.ISO_8859_1);
    byte[] t = to.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i + f.length <= bytes.length; i++) {
      if (Arrays.equals(Arrays.copyOfRange(bytes, i, i + f.length), f)) {
        byte[] out = bytes.clone();
        System.arraycopy(t, 0, out, i, t.length);
        return out;
      }
    }
    throw new AssertionError("pattern not found");
  }
}
