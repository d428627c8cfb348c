package org.parcelgate.pki;

import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The sample PKI of Parcelgate: a root CA and its CRL, an untrusted CA, the gateway's TLS server
 * certificate and request-signing key, the partners' client certificates and signing keys,
 * test-only client identities, and the partner registry, all as files in one directory.
 *
 * <p>{@link #generate(Path, Clock)} makes a new sample; {@link #open(Path)} reads one made before
 * (such as the committed {@code keys-sample/generated}) from its {@code manifest.json}. Every key
 * in it is a SAMPLE for development and tests, never for production.
 */
public final class SamplePki {
  private final Path root;
  private final Manifest manifest;
  private final CertificateAuthority rootCa;
  private final Map<String, Identity> identities = new LinkedHashMap<>();

  SamplePki(Path root, Manifest manifest, CertificateAuthority rootCa, List<Identity> identities) {
    this.root = root;
    this.manifest = manifest;
    this.rootCa = rootCa;
    identities.forEach(identity -> this.identities.put(identity.name(), identity));
  }

  /**
   * Generates a new sample into the directory, creating it if needed and replacing files of the
   * same names, and returns it. All validity periods are relative to the clock's current instant.
   */
  public static SamplePki generate(Path directory, Clock clock) {
    return new SampleGenerator(directory.toAbsolutePath().normalize(), clock).generate();
  }

  /** Reads a sample generated before into that directory. */
  public static SamplePki open(Path directory) {
    Path root = directory.toAbsolutePath().normalize();
    Manifest manifest = Manifest.read(root);
    CertificateAuthority rootCa =
        CertificateAuthority.of(
            Pem.readCertificate(resolve(root, manifest.rootCaCertificate())),
            Pem.readPrivateKey(resolve(root, manifest.rootCaPrivateKey())));
    List<Identity> identities =
        manifest.identities().stream()
            .map(
                entry ->
                    identity(
                        root,
                        entry,
                        Pem.readCertificate(resolve(root, entry.certificate())),
                        entry.signingKeys().stream().map(key -> readJwk(root, key)).toList()))
            .toList();
    return new SamplePki(root, manifest, rootCa, identities);
  }

  /**
   * The settings (as {@code PARCELGATE_*} environment variables) of a gateway that runs on this
   * sample: its server certificate and key, trust anchor and CRL, partner registry, signing and
   * pseudonym keys, on ports chosen by the system, storing into {@code dataDirectory}.
   */
  public java.util.Map<String, String> gatewaySettings(String gatewayId, Path dataDirectory) {
    java.util.Map<String, String> settings = new java.util.TreeMap<>();
    settings.put("PARCELGATE_GATEWAY_ID", gatewayId);
    settings.put("PARCELGATE_PARTNER_API_PORT", "0");
    settings.put("PARCELGATE_OPS_PORT", "0");
    settings.put("PARCELGATE_TLS_CERTIFICATE", serverCertificate().toString());
    settings.put("PARCELGATE_TLS_PRIVATE_KEY", serverKey().toString());
    settings.put("PARCELGATE_TLS_TRUST_ANCHORS", trustAnchor().toString());
    settings.put("PARCELGATE_TLS_CRLS", crl().toString());
    settings.put("PARCELGATE_REGISTRY_FILE", registry().toString());
    settings.put("PARCELGATE_SIGNING_KEY_FILE", gatewaySigningKey().toString());
    settings.put("PARCELGATE_PRIVACY_PSEUDONYM_KEY_FILE", pseudonymKeys().toString());
    settings.put("PARCELGATE_STORE_DATA_DIRECTORY", dataDirectory.toString());
    return settings;
  }

  /** The directory of the sample. */
  public Path root() {
    return root;
  }

  /** The instant the sample was generated at; its validity periods are relative to it. */
  public Instant generatedAt() {
    return manifest.generatedAt();
  }

  /** The root CA certificate's PEM file: the one trust anchor of the gateway and its clients. */
  public Path trustAnchor() {
    return file(manifest.rootCaCertificate());
  }

  /** The certificate's PEM file of a second root CA that nothing trusts. */
  public Path untrustedCaCertificate() {
    return file(manifest.untrustedCaCertificate());
  }

  /** The root CA's CRL, PEM, which lists the {@code revoked} test identity. */
  public Path crl() {
    return file(manifest.crl());
  }

  /** The partner registry, {@code registry/partners.json}. */
  public Path registry() {
    return file(manifest.registry());
  }

  /** The gateway's TLS server certificate (leaf only), PEM. */
  public Path serverCertificate() {
    return file(manifest.serverCertificate());
  }

  /** The gateway's TLS server private key, PKCS#8 PEM. */
  public Path serverKey() {
    return file(manifest.serverPrivateKey());
  }

  /** The gateway's own private request-signing JWK (ES256, kid {@code gateway-es256-1}). */
  public Path gatewaySigningKey() {
    return file(manifest.gatewaySigningKey().file());
  }

  /** The gateway's public JWK set. */
  public Path gatewayJwks() {
    return file(manifest.gatewayJwks());
  }

  /** The pseudonym key store of the recipients of minimized records (customs-nl, customs-de). */
  public Path pseudonymKeys() {
    return root.resolve(SampleGenerator.PSEUDONYM_KEYS);
  }

  /**
   * The root CA with its private key, to issue more certificates and CRLs (a stale CRL, say) in
   * tests.
   */
  public CertificateAuthority rootCa() {
    return rootCa;
  }

  /**
   * An identity by name: a partner id ({@code marketplace-alpha}, {@code marketplace-beta}, {@code
   * customs-nl}, {@code privacy-officer}, {@code marketplace-suspended}) or a test identity ({@code
   * expired}, {@code revoked}, {@code untrusted}, {@code unregistered}).
   *
   * @throws NoSuchElementException for any other name
   */
  public Identity identity(String name) {
    Identity identity = identities.get(name);
    if (identity == null) {
      throw new NoSuchElementException(
          "no identity '" + name + "' in the sample; known: " + identities.keySet());
    }
    return identity;
  }

  /** Every identity, partners first, in the order of the manifest. */
  public List<Identity> identities() {
    return List.copyOf(identities.values());
  }

  /** The identities listed in the registry. */
  public List<Identity> partners() {
    return identities.values().stream().filter(Identity::registered).toList();
  }

  /** The identity of a manifest entry, its files resolved against the sample's root. */
  static Identity identity(
      Path root, Manifest.IdentityEntry entry, X509Certificate x509, List<JWK> signingKeys) {
    return new Identity(
        entry.name(),
        entry.partnerId(),
        entry.role(),
        resolve(root, entry.certificate()),
        resolve(root, entry.privateKey()),
        x509,
        signingKeys);
  }

  /** A file of the sample by its path relative to the root; refuses paths that leave the root. */
  static Path resolve(Path root, String relative) {
    Path file = root.resolve(relative).normalize();
    if (Path.of(relative).isAbsolute() || !file.startsWith(root)) {
      throw new PkiException("manifest path leaves the sample directory: " + relative);
    }
    return file;
  }

  private Path file(String relative) {
    return resolve(root, relative);
  }

  private static JWK readJwk(Path root, Manifest.KeyFile keyFile) {
    Path file = resolve(root, keyFile.file());
    try {
      JWK jwk = JWK.parse(Files.readString(file, StandardCharsets.UTF_8));
      if (!keyFile.kid().equals(jwk.getKeyID())) {
        throw new PkiException(
            file + " holds kid " + jwk.getKeyID() + ", the manifest says " + keyFile.kid());
      }
      return jwk;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (ParseException e) {
      throw new PkiException("not a JWK: " + file, e);
    }
  }
}
