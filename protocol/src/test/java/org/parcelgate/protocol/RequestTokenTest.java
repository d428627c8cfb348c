package org.parcelgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestTokenTest {
  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

  @Test
  void carriesTheBindingsTheGatewayChecks() throws ParseException, JOSEException {
    JWK key = TestKeys.eddsa("marketplace-alpha-eddsa-1");
    byte[] body = "container".getBytes(StandardCharsets.UTF_8);

    SignedJWT jwt =
        SignedJWT.parse(
            RequestToken.of("marketplace-alpha", "parcelgate-local", "thumb", body, NOW).sign(key));
    JWTClaimsSet claims = jwt.getJWTClaimsSet();

    assertThat(jwt.getHeader().getType().getType()).isEqualTo("parcelgate-request+jwt");
    assertThat(jwt.getHeader().getKeyID()).isEqualTo("marketplace-alpha-eddsa-1");
    assertThat(jwt.verify(SignatureAlgorithms.verifierFor(key.toPublicJWK()))).isTrue();
    assertThat(claims.getIssuer()).isEqualTo("marketplace-alpha");
    assertThat(claims.getSubject()).isEqualTo("marketplace-alpha");
    assertThat(claims.getAudience()).containsExactly("parcelgate-local");
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW.plusSeconds(120));
    assertThat(claims.getJSONObjectClaim("cnf")).isEqualTo(Map.of("x5t#S256", "thumb"));
    assertThat(claims.getStringClaim("body_sha256")).isEqualTo(Digests.sha256Base64Url(body));
  }

  @Test
  void hasNoBodyDigestWithoutABodyAndAFreshJtiEachTime() throws ParseException {
    RequestToken first = RequestToken.of("m", "gw", "t", null, NOW);
    RequestToken second = RequestToken.of("m", "gw", "t", null, NOW);

    assertThat(first.claims().getClaim("body_sha256")).isNull();
    assertThat(first.jti()).isNotEqualTo(second.jti());
  }

  @Test
  void refusesAKeyWithoutKid() {
    JWK key = TestKeys.es256(null);

    assertThatThrownBy(() -> RequestToken.of("m", "gw", "t", null, NOW).sign(key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kid");
  }
}
