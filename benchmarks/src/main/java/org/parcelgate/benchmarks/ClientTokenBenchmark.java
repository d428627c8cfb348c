package org.parcelgate.benchmarks;

import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.parcelgate.client.Batches;
import org.parcelgate.pki.SigningKeys;
import org.parcelgate.protocol.RequestToken;
import org.parcelgate.schema.AvroTrust;
import org.parcelgate.schema.sample.SampleTransactions;

/**
 * What a request token costs the client, per algorithm: the SHA-256 of a 1,000-record batch body,
 * the claims and the signature.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClientTokenBenchmark {
  private static final int RECORDS = 1_000;

  @Param({"ES256", "PS256", "EdDSA"})
  public String algorithm;

  private byte[] body;
  private JWK signingKey;

  @Setup
  public void prepare() {
    AvroTrust.install();
    body = Batches.write(SampleTransactions.batch(1, RECORDS, Instant.now().minusSeconds(3600)));
    signingKey = SigningKeys.generate(algorithm, "bench-" + algorithm);
  }

  /** One request token over the batch body: its SHA-256, the claims and the signature. */
  @Benchmark
  public String signToken() {
    return RequestToken.of(
            "marketplace-bench", "parcelgate-bench", "thumbprint", body, Instant.now())
        .sign(signingKey);
  }
}
