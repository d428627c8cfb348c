package org.parcelgate.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.text.ParseException;
import java.time.Clock;
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
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;

/**
 * ES256 signature verification with the JDK's provider (the baseline) and with Bouncy Castle: the
 * ratio is what the provider choice in {@code SignatureAlgorithms} rests on.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SignatureProviderBenchmark {
  private String token;
  private ECDSAVerifier jdk;
  private ECDSAVerifier bouncyCastle;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    SamplePki pki =
        SamplePki.generate(Files.createTempDirectory("parcelgate-bench"), Clock.systemUTC());
    Identity alpha = pki.identity("marketplace-alpha");
    token =
        RequestTokens.of(
                alpha, "ES256", TokenVerificationBenchmark.AUDIENCE, Clock.systemUTC().instant())
            .sign();
    ECKey key = alpha.signingKey("ES256").toPublicJWK().toECKey();
    jdk = new ECDSAVerifier(key);
    bouncyCastle = new ECDSAVerifier(key);
    bouncyCastle.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
  }

  @Benchmark
  public boolean es256Jdk() throws JOSEException, ParseException {
    return SignedJWT.parse(token).verify(jdk);
  }

  @Benchmark
  public boolean es256BouncyCastle() throws JOSEException, ParseException {
    return SignedJWT.parse(token).verify(bouncyCastle);
  }
}
