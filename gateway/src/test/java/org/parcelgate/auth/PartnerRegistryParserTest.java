package org.parcelgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.Keys;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.pki.SigningKeys;
import org.parcelgate.testing.TestPki;

class PartnerRegistryParserTest {
  private final SamplePki pki = TestPki.shared();
  private JsonObject sample;

  @BeforeEach
  void readSample() throws Exception {
    sample = new JsonObject(Files.readString(pki.registry()));
  }

  private PartnerRegistry parse(JsonObject registry) {
    return PartnerRegistryParser.parse(registry.encode().getBytes(StandardCharsets.UTF_8));
  }

  private JsonObject first(JsonObject registry) {
    return registry.getJsonArray("partners").getJsonObject(0);
  }

  private void assertRefused(Consumer<JsonObject> change, String messagePart) {
    JsonObject registry = sample.copy();
    change.accept(registry);
    assertThatThrownBy(() -> parse(registry))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void readsEveryPartnerOfTheSampleRegistry() {
    PartnerRegistry registry = parse(sample);
    assertThat(registry.size()).isEqualTo(pki.partners().size());
    for (Identity identity : pki.partners()) {
      Partner partner = registry.byThumbprint(identity.thumbprint()).orElseThrow();
      assertThat(partner.id()).isEqualTo(identity.partnerId());
      assertThat(partner.role().wireName()).isEqualTo(identity.role());
      assertThat(partner.keys()).hasSameSizeAs(identity.signingKeys());
    }
    assertThat(registry.byId("marketplace-suspended").orElseThrow().isActive()).isFalse();
    assertThat(registry.contentHash()).hasSize(64);
  }

  @Test
  void refusesMalformedJson() {
    assertThatThrownBy(
            () -> PartnerRegistryParser.parse("{\"partners\": [".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(RegistryException.class);
  }

  @Test
  void refusesPrivateKeyMaterial() {
    assertRefused(
        r ->
            first(r)
                .getJsonObject("jwks")
                .getJsonArray("keys")
                .add(new JsonObject(SigningKeys.es256("x").toJSONString())),
        "private key material");
  }

  @Test
  void refusesShortRsaKey() {
    var weak =
        new com.nimbusds.jose.jwk.RSAKey.Builder(
                (java.security.interfaces.RSAPublicKey) Keys.rsa(1024).getPublic())
            .keyID("weak")
            .build();
    assertRefused(
        r ->
            first(r)
                .getJsonObject("jwks")
                .getJsonArray("keys")
                .add(new JsonObject(weak.toJSONString())),
        "RSA (at least 2048 bits)");
  }

  @Test
  void refusesKeyWhoseDeclaredAlgDoesNotMatchItsType() {
    assertRefused(
        r ->
            first(r)
                .getJsonObject("jwks")
                .getJsonArray("keys")
                .getJsonObject(0)
                .put("alg", "HS256"),
        "declares alg");
  }

  @Test
  void refusesDuplicateKidWithinPartner() {
    assertRefused(
        r -> {
          JsonArray keys = first(r).getJsonObject("jwks").getJsonArray("keys");
          keys.add(keys.getJsonObject(0).copy());
        },
        "repeats a kid");
  }

  @Test
  void refusesCertificateRegisteredToTwoPartners() {
    assertRefused(
        r -> {
          JsonArray partners = r.getJsonArray("partners");
          String thumbprint = partners.getJsonObject(0).getJsonArray("certificates").getString(0);
          partners.getJsonObject(1).getJsonArray("certificates").add(thumbprint);
        },
        "registered twice");
  }

  @Test
  void refusesDuplicatePartnerId() {
    assertRefused(
        r -> r.getJsonArray("partners").getJsonObject(1).put("id", first(r).getString("id")),
        "duplicate");
  }

  @Test
  void refusesUnknownRoleStatusAndMembers() {
    assertRefused(r -> first(r).put("role", "admin"), "unknown role");
    assertRefused(r -> first(r).put("status", "maybe"), "unknown status");
    assertRefused(r -> first(r).put("password", "x"), "unknown member");
    assertRefused(r -> first(r).put("id", "Has Spaces"), ".id must match");
  }

  @Test
  void refusesMalformedThumbprint() {
    assertRefused(r -> first(r).put("certificates", new JsonArray().add("AB:CD")), "thumbprints");
    assertRefused(r -> first(r).put("certificates", new JsonArray()), "at least one thumbprint");
  }
}
