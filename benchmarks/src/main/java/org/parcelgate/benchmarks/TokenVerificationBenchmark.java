package org.parcelgate.benchmarks;

import com.nimbusds.jose.JWSAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.parcelgate.auth.Partner;
import org.parcelgate.auth.PartnerRegistryParser;
import org.parcelgate.auth.RequestTokenVerifier;
import org.parcelgate.auth.TokenPolicy;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;

/**
 * The whole {@link RequestTokenVerifier} (parse, header and claim rules, signature, binding, body
 * digest) per algorithm. Each real token may be accepted once only, so this runs with a replay
 * guard that accepts everything; the guard is measured on its own in {@link ReplayGuardBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class TokenVerificationBenchmark {
  static final String AUDIENCE = "parcelgate-bench";

  @Param({"ES256", "PS256", "EdDSA"})
  public String algorithm;

  private RequestTokenVerifier verifier;
  private Partner partner;
  private String thumbprint;
  private String token;
  private byte[] body;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    SamplePki pki =
        SamplePki.generate(Files.createTempDirectory("parcelgate-bench"), Clock.systemUTC());
    Identity identity =
        pki.identity(algorithm.equals("PS256") ? "marketplace-beta" : "marketplace-alpha");
    partner =
        PartnerRegistryParser.parse(Files.readAllBytes(pki.registry()))
            .byId(identity.partnerId())
            .orElseThrow();
    thumbprint = identity.thumbprint();
    TokenPolicy policy =
        new TokenPolicy(
            AUDIENCE,
            Set.of(JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA),
            Duration.ofSeconds(30),
            Duration.ofSeconds(300));
    verifier = new RequestTokenVerifier(policy, (issuer, jti, until) -> true, Clock.systemUTC());
    body = "{\"records\":[]}".getBytes(StandardCharsets.UTF_8);
    // Valid for two minutes: a trial is far shorter.
    token =
        RequestTokens.of(identity, algorithm, AUDIENCE, Clock.systemUTC().instant())
            .body(body)
            .sign();
  }

  @Benchmark
  public Object verifyRequest() {
    return verifier.verify(partner, token, thumbprint, body);
  }
}
