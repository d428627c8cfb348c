package org.parcelgate.signing;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.parcelgate.protocol.SignatureAlgorithms;

/**
 * The gateway's own signing keys: the active private key that signs what the gateway issues
 * (receipts, feeds), and the public keys it publishes at {@code /.well-known/jwks.json}, which
 * include retired keys during a rotation.
 */
public final class GatewaySigningKeys {
  private final JWK active;
  private final JWKSet published;

  private GatewaySigningKeys(JWK active, JWKSet published) {
    this.active = active;
    this.published = published;
  }

  /**
   * Reads a JWK or a JWK set of private keys. Blocking: call from a worker.
   *
   * @param activeKid the kid that signs; empty selects the first key
   * @throws IOException with a message naming the problem (never key material)
   */
  public static GatewaySigningKeys load(Path file, Optional<String> activeKid) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<JWK> keys;
    try {
      Map<String, Object> json = JSONObjectUtils.parse(text);
      keys = json.containsKey("keys") ? JWKSet.parse(json).getKeys() : List.of(JWK.parse(json));
    } catch (ParseException e) {
      throw new IOException("signing key file is not a JWK or JWK set: " + file.getFileName());
    }
    if (keys.isEmpty()) {
      throw new IOException("signing key file holds no key: " + file.getFileName());
    }
    Set<String> kids = new HashSet<>();
    List<JWK> publicKeys = new ArrayList<>();
    for (JWK key : keys) {
      if (key.getKeyID() == null || !kids.add(key.getKeyID())) {
        throw new IOException("every signing key needs a unique kid: " + file.getFileName());
      }
      if (!key.isPrivate()) {
        throw new IOException("signing key " + key.getKeyID() + " has no private part");
      }
      if (SignatureAlgorithms.algorithmFor(key.toPublicJWK()).isEmpty()) {
        throw new IOException(
            "signing key " + key.getKeyID() + " is not EC P-256, RSA 2048+ or Ed25519");
      }
      publicKeys.add(key.toPublicJWK());
    }
    JWK active =
        activeKid.isEmpty()
            ? keys.get(0)
            : keys.stream()
                .filter(key -> key.getKeyID().equals(activeKid.get()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IOException(
                            "signing.active-kid names no key of " + file.getFileName()));
    return new GatewaySigningKeys(active, new JWKSet(publicKeys));
  }

  /** The private key that signs; never logged or published. */
  public JWK activeKey() {
    return active;
  }

  /** The public keys, as served at {@code /.well-known/jwks.json}. */
  public JWKSet publishedKeys() {
    return published;
  }
}
