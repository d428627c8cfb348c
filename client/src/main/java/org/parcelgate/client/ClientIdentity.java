package org.parcelgate.client;

import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.KeyPairs;
import org.parcelgate.protocol.RequestToken;
import org.parcelgate.protocol.SignatureAlgorithms;

/**
 * Who a client is to the gateway: its partner id, the TLS client certificate (with its chain) and
 * private key, and the private JWK that signs its request tokens, whose {@code kid} the operator
 * registered.
 *
 * @param partnerId the id in the gateway's partner registry; the {@code iss} of every token
 * @param certificateChain the client certificate first, then any intermediates
 * @param tlsKey the private key of the client certificate
 * @param signingKey a private ES256, PS256 or EdDSA JWK with a {@code kid}
 */
public record ClientIdentity(
    String partnerId, List<X509Certificate> certificateChain, PrivateKey tlsKey, JWK signingKey) {

  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  public ClientIdentity {
    Objects.requireNonNull(partnerId, "partnerId");
    Objects.requireNonNull(tlsKey, "tlsKey");
    Objects.requireNonNull(signingKey, "signingKey");
    certificateChain = List.copyOf(certificateChain);
    if (certificateChain.isEmpty()) {
      throw new IllegalArgumentException("the identity needs its client certificate");
    }
    if (!signingKey.isPrivate() || signingKey.getKeyID() == null) {
      throw new IllegalArgumentException("the signing key must be a private JWK with a kid");
    }
    SignatureAlgorithms.require(signingKey);
    if (!keyMatches(certificateChain.get(0), tlsKey)) {
      throw new IllegalArgumentException(
          "the private key does not match the client certificate (a local mistake: check that"
              + " both files belong to the same identity)");
    }
  }

  /**
   * Whether {@code key} is the private key of the certificate ({@link KeyPairs#matches}). Checked
   * before any connection, so that a mismatch is named as what it is rather than as a TLS handshake
   * failure.
   */
  public static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
    return KeyPairs.matches(key, certificate.getPublicKey());
  }

  /**
   * A fresh request token of this identity (protocol.md, section 2) for the gateway {@code
   * audience}, bound to the client certificate and, when {@code body} is not {@code null}, to those
   * exact bytes; sign it with {@link RequestToken#sign} and {@link #signingKey()}. The client sends
   * one with every request; {@code parcelgate token} prints one for other tools.
   */
  public RequestToken token(String audience, byte[] body, java.time.Instant now) {
    return RequestToken.of(partnerId, audience, thumbprint(), body, now);
  }

  /**
   * Loads an identity from files: a PEM certificate chain (client certificate first), its PKCS#8
   * PEM private key ({@code BEGIN PRIVATE KEY}), and a private JWK ({@code .jwk.json}).
   *
   * @throws ClientException naming the file that cannot be read, never its content
   */
  public static ClientIdentity load(
      String partnerId, Path certificateChain, Path privateKey, Path signingKey) {
    List<X509Certificate> certificates = readCertificates(certificateChain);
    PrivateKey key = readPrivateKey(privateKey);
    // The record checks the pair too; here first, to name the files.
    if (!keyMatches(certificates.get(0), key)) {
      throw new ClientException(
          "the private key "
              + privateKey
              + " does not match the certificate "
              + certificateChain
              + " (a local mistake: nothing was sent)");
    }
    return new ClientIdentity(partnerId, certificates, key, readJwk(signingKey));
  }

  /** Names the identity without its keys or certificates, so it is safe in a log line. */
  @Override
  public String toString() {
    return "ClientIdentity["
        + partnerId
        + ", certificate "
        + thumbprint()
        + ", key "
        + signingKey.getKeyID()
        + "]";
  }

  /** The RFC 8705 {@code x5t#S256} thumbprint of the client certificate, as registered. */
  public String thumbprint() {
    return Digests.thumbprint(certificateChain.get(0));
  }

  /** Certificates from a PEM file, in file order. */
  public static List<X509Certificate> readCertificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
      if (certificates.isEmpty()) {
        throw new ClientException(file + " holds no certificate");
      }
      return certificates;
    } catch (IOException | CertificateException e) {
      throw new ClientException("cannot read certificates from " + file, e);
    }
  }

  /** A PKCS#8 PEM private key (EC, RSA or Ed25519). */
  public static PrivateKey readPrivateKey(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ClientException("cannot read the private key " + file, e);
    }
    Matcher pem = PRIVATE_KEY.matcher(text);
    if (!pem.find()) {
      throw new ClientException(file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
    for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException wrongAlgorithm) {
        // try the next
      }
    }
    throw new ClientException(file + " holds no EC, RSA or Ed25519 private key");
  }

  private static JWK readJwk(Path file) {
    try {
      return JWK.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | ParseException e) {
      throw new ClientException("cannot read the signing JWK " + file);
    }
  }
}
