package org.parcelgate.schema.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.parcelgate.schema.AvroTrust;
import org.parcelgate.schema.Transaction;

/**
 * Writes a sample batch (an Avro object container of valid v2 transactions, deflate codec) for
 * trying the gateway:
 *
 * <pre>
 * ./mvnw -q -pl schemas exec:java -Dexec.args="batch.avro 3 [FIRST_ORDER_NUMBER]"
 * </pre>
 *
 * Exit codes: 0 written, 2 usage error, 1 failure.
 */
public final class SampleBatchCommand {
  private SampleBatchCommand() {}

  public static void main(String[] args) {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: SampleBatchCommand FILE COUNT [FIRST_ORDER_NUMBER]");
      System.exit(2);
    }
    try {
      int count = Integer.parseInt(args[1]);
      int first = args.length == 3 ? Integer.parseInt(args[2]) : 1;
      if (count < 1) {
        throw new NumberFormatException("count must be positive");
      }
      AvroTrust.install();
      var ordered =
          Clock.systemUTC().instant().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
      try (OutputStream out = Files.newOutputStream(Path.of(args[0]));
          DataFileWriter<Transaction> writer =
              new DataFileWriter<>(new SpecificDatumWriter<>(Transaction.class))) {
        writer.setCodec(CodecFactory.deflateCodec(6));
        writer.create(Transaction.getClassSchema(), out);
        for (Transaction record : SampleTransactions.batch(first, count, ordered)) {
          writer.append(record);
        }
      }
      System.out.println("wrote " + count + " transactions to " + args[0]);
    } catch (NumberFormatException e) {
      System.err.println("parcelgate: COUNT and FIRST_ORDER_NUMBER must be positive whole numbers");
      System.exit(2);
    } catch (IOException e) {
      System.err.println("parcelgate: cannot write the batch: " + e.getMessage());
      System.exit(1);
    }
  }
}
