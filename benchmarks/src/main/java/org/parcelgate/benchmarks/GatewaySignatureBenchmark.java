package org.parcelgate.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.Receipt;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.ReceiptSigner;

/**
 * What the gateway's own ES256 signatures cost (receipts, checkpoints, feed pages): a whole {@link
 * ReceiptSigner#sign} of a typical receipt (Bouncy Castle, with the key converted to its own type
 * once), and, as baselines, the same claims signed by Nimbus with the JDK's provider, and with
 * Bouncy Castle handed the JDK's key (which it converts at every signature).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class GatewaySignatureBenchmark {
  private static final Receipt RECEIPT =
      new Receipt(
          "6f1d3c1e-8a34-4d61-9d0e-2b8f3f0a9c11",
          "marketplace-alpha",
          "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg",
          "4a5b6c7d-0000-4000-8000-000000000001",
          Instant.parse("2026-12-02T08:00:00Z"),
          "3b7a1e0f9c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7",
          1000,
          990,
          4,
          6);

  private ReceiptSigner receipts;
  private ECDSASigner jdk;
  private ECDSASigner bouncyCastleJdkKey;
  private String kid;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    SamplePki pki =
        SamplePki.generate(Files.createTempDirectory("parcelgate-bench"), Clock.systemUTC());
    GatewaySigningKeys keys = GatewaySigningKeys.load(pki.gatewaySigningKey(), Optional.empty());
    receipts = new ReceiptSigner(keys, "parcelgate-bench");
    ECKey key = keys.activeKey().toECKey();
    jdk = new ECDSASigner(key);
    bouncyCastleJdkKey = new ECDSASigner(key);
    bouncyCastleJdkKey.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
    kid = key.getKeyID();
  }

  @Benchmark
  public String receipt() {
    return receipts.sign(RECEIPT);
  }

  @Benchmark
  public String receiptJdkProvider() throws JOSEException {
    return sign(jdk);
  }

  @Benchmark
  public String receiptBouncyCastleJdkKey() throws JOSEException {
    return sign(bouncyCastleJdkKey);
  }

  private String sign(ECDSASigner signer) throws JOSEException {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType("parcelgate-receipt+jwt"))
                .keyID(kid)
                .build(),
            new JWTClaimsSet.Builder(RECEIPT.claims()).issuer("parcelgate-bench").build());
    jwt.sign(signer);
    return jwt.serialize();
  }
}
