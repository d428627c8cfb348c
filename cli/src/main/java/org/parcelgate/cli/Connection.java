package org.parcelgate.cli;

import java.nio.file.Path;
import org.parcelgate.client.ClientIdentity;
import org.parcelgate.client.ParcelgateClient;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the gateway is and who calls it. Either a partner of a PKI directory laid out like {@code
 * keys-sample/generated} ({@code --as}), or explicit files ({@code --cert}, {@code --key}, {@code
 * --signing-key}, {@code --partner}).
 */
final class Connection {
  @Mixin GatewayAddress gateway;

  @Option(
      names = "--pki",
      paramLabel = "DIR",
      defaultValue = "keys-sample/generated",
      description =
          "A PKI directory laid out like keys-sample/generated (default: ${DEFAULT-VALUE}).")
  Path pki;

  @Option(
      names = "--as",
      paramLabel = "PARTNER",
      description = "Call as this partner of the --pki directory.")
  String as;

  @Option(
      names = "--alg",
      paramLabel = "ALG",
      defaultValue = "ES256",
      description =
          "With --as: the signing key's algorithm, ES256, PS256 or EdDSA (default: ${DEFAULT-VALUE}).")
  String alg;

  @Option(names = "--partner", paramLabel = "ID", description = "With --cert: the partner id.")
  String partner;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "The client certificate chain (PEM).")
  Path certificate;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "The client certificate's private key (PKCS#8 PEM).")
  Path key;

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description = "The private request-signing JWK (JSON).")
  Path signingKey;

  @Option(
      names = "--trust-anchor",
      paramLabel = "FILE",
      description =
          "The CA certificate(s) of the gateway's server certificate (default: the --pki's root CA).")
  Path trustAnchor;

  ParcelgateClient open(String defaultPartner) {
    ClientIdentity identity;
    Path anchor = trustAnchor;
    if (certificate != null || key != null || signingKey != null || partner != null) {
      if (certificate == null || key == null || signingKey == null || partner == null) {
        throw new UsageException("--partner, --cert, --key and --signing-key go together");
      }
      if (as != null) {
        throw new UsageException(
            "--as names a partner of --pki; with --cert, name it with --partner");
      }
      if (anchor == null) {
        throw new UsageException("--trust-anchor is needed with --cert");
      }
      identity = local(() -> ClientIdentity.load(partner, certificate, key, signingKey));
    } else {
      SamplePki sample = openPki();
      String name = as != null ? as : defaultPartner;
      Identity found;
      try {
        found = sample.identity(name);
      } catch (RuntimeException e) {
        throw new UsageException("no partner " + name + " in " + pki);
      }
      if (!found.registered()) {
        throw new UsageException(name + " is a test identity without signing keys");
      }
      try {
        identity = identityOf(found, alg);
      } catch (java.util.NoSuchElementException e) {
        throw new UsageException(name + " has no " + alg + " signing key");
      }
      if (anchor == null) {
        anchor = sample.trustAnchor();
      }
    }
    Path anchors = anchor;
    ClientIdentity caller = identity;
    return local(
        () ->
            ParcelgateClient.builder(gateway.url)
                .identity(caller)
                .trustAnchors(anchors)
                .audience(gateway.audience)
                .build());
  }

  /**
   * The client identity of a registered partner of a sample PKI, signing with its key for {@code
   * alg}.
   *
   * @throws java.util.NoSuchElementException if it has no key for {@code alg}
   */
  static ClientIdentity identityOf(Identity partner, String alg) {
    return new ClientIdentity(
        partner.partnerId(),
        ClientIdentity.readCertificates(partner.certificate()),
        ClientIdentity.readPrivateKey(partner.privateKey()),
        partner.signingKey(alg));
  }

  /** Files given on the command line that cannot be read are a usage error: nothing was sent. */
  private static <T> T local(java.util.function.Supplier<T> setUp) {
    try {
      return setUp.get();
    } catch (org.parcelgate.client.ClientException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private SamplePki openPki() {
    try {
      return SamplePki.open(pki);
    } catch (RuntimeException e) {
      throw new UsageException(
          "cannot read the PKI directory " + pki + " (run from the project root, or give --pki)");
    }
  }
}
