package org.parcelgate.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.parcelgate.client.ClientException;
import org.parcelgate.client.ClientIdentity;
import org.parcelgate.client.ParcelgateClient;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the gateway is and who calls it. Either a partner of a PKI directory laid out like {@code
 * keys-sample/generated} ({@code --as}), or explicit files ({@code --cert}, {@code --key}, {@code
 * --signing-key}, {@code --partner}). Each setting not given as an option comes from its {@code
 * PARCELGATE_*} environment variable, else from the profile ({@link CallerSettings}).
 */
final class Connection {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Mixin GatewayAddress gateway;

  @Option(
      names = "--profile",
      paramLabel = "FILE",
      description =
          "Read unset settings from this profile (else $PARCELGATE_PROFILE, else"
              + " ~/.config/parcelgate/profile if it exists; docs/client.md).")
  Path profile;

  @Option(
      names = "--pki",
      paramLabel = "DIR",
      description =
          "A PKI directory laid out like keys-sample/generated (else $PARCELGATE_PKI, else the"
              + " profile's pki; default: the installation's keys-sample/generated).")
  Path pki;

  @Option(
      names = "--as",
      paramLabel = "PARTNER",
      description =
          "Call as this partner of the --pki directory (else $PARCELGATE_AS, profile as).")
  String as;

  @Option(
      names = "--alg",
      paramLabel = "ALG",
      description =
          "With --as: the signing key's algorithm, ES256, PS256 or EdDSA (else $PARCELGATE_ALG,"
              + " profile alg; default: ES256).")
  String alg;

  @Option(
      names = "--partner",
      paramLabel = "ID",
      description = "With --cert: the partner id (else $PARCELGATE_PARTNER, profile partner).")
  String partner;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "The client certificate chain, PEM (else $PARCELGATE_CERT, profile cert).")
  Path certificate;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description =
          "The client certificate's private key, PKCS#8 PEM (else $PARCELGATE_KEY, profile key).")
  Path key;

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description =
          "The private request-signing JWK, JSON (else $PARCELGATE_SIGNING_KEY, profile"
              + " signing-key).")
  Path signingKey;

  @Option(
      names = "--trust-anchor",
      paramLabel = "FILE",
      description =
          "The CA certificate(s) of the gateway's server certificate (else"
              + " $PARCELGATE_TRUST_ANCHOR, profile trust-anchor; default: the --pki's root CA).")
  Path trustAnchor;

  /** Who calls which gateway, resolved from the options, the environment and the profile. */
  record Caller(URI url, String audience, ClientIdentity identity, Path trustAnchor) {}

  /** A client of the gateway as the resolved caller; the files are checked before connecting. */
  ParcelgateClient open(String defaultPartner) {
    return open(caller(defaultPartner, true));
  }

  /** A client of the gateway as {@code caller}. */
  ParcelgateClient open(Caller caller) {
    return local(
        () ->
            ParcelgateClient.builder(caller.url())
                .identity(caller.identity())
                .trustAnchors(caller.trustAnchor())
                .audience(caller.audience())
                .build());
  }

  /**
   * The caller: the identity of the first source that names one (options, environment, profile),
   * else {@code defaultPartner} of the PKI directory.
   *
   * @param needsTrustAnchor whether the gateway's trust anchor is needed (not to make a token)
   */
  Caller caller(String defaultPartner, boolean needsTrustAnchor) {
    CallerSettings settings = settings();
    URI url = gateway.url(settings);
    String audience = gateway.audience(settings);
    Path anchor = settings.path(CallerSettings.Key.TRUST_ANCHOR, trustAnchor);
    String algorithm = settings.text(CallerSettings.Key.ALG, alg);
    algorithm = algorithm == null ? "ES256" : algorithm;
    boolean options =
        as != null || partner != null || certificate != null || key != null || signingKey != null;
    CallerSettings.Source source = settings.identitySource(options).orElse(null);
    String name = as;
    String id = partner;
    Path cert = certificate;
    Path tlsKey = key;
    Path jwk = signingKey;
    String where = source == null ? "the options" : settings.describe(source);
    if (source != null && source != CallerSettings.Source.OPTION) {
      name = settings.identityText(source, CallerSettings.Key.AS);
      id = settings.identityText(source, CallerSettings.Key.PARTNER);
      cert = settings.identityPath(source, CallerSettings.Key.CERT);
      tlsKey = settings.identityPath(source, CallerSettings.Key.KEY);
      jwk = settings.identityPath(source, CallerSettings.Key.SIGNING_KEY);
    }
    ClientIdentity identity;
    if (cert != null || tlsKey != null || jwk != null || id != null) {
      if (cert == null || tlsKey == null || jwk == null || id == null) {
        throw new UsageException(
            "--partner, --cert, --key and --signing-key go together (in " + where + ")");
      }
      if (name != null) {
        throw new UsageException(
            "--as names a partner of --pki; with --cert, name it with --partner (in "
                + where
                + ")");
      }
      if (anchor == null && needsTrustAnchor) {
        throw new UsageException("--trust-anchor is needed with --cert");
      }
      String partnerId = id;
      Path certFile = cert;
      Path keyFile = tlsKey;
      Path jwkFile = jwk;
      identity = local(() -> ClientIdentity.load(partnerId, certFile, keyFile, jwkFile));
    } else {
      Path directory = settings.path(CallerSettings.Key.PKI, pki);
      directory = directory == null ? Installation.resolve(Installation.SAMPLE_PKI) : directory;
      SamplePki sample = openPki(directory);
      String partnerName = name != null ? name : defaultPartner;
      Identity found;
      try {
        found = sample.identity(partnerName);
      } catch (RuntimeException e) {
        throw new UsageException("no partner " + partnerName + " in " + directory);
      }
      if (!found.registered()) {
        throw new UsageException(partnerName + " is a test identity without signing keys");
      }
      String signingAlgorithm = algorithm;
      try {
        identity = local(() -> identityOf(found, signingAlgorithm));
      } catch (NoSuchElementException e) {
        throw new UsageException(partnerName + " has no " + algorithm + " signing key");
      }
      if (anchor == null) {
        anchor = sample.trustAnchor();
      }
    }
    return new Caller(url, audience, identity, anchor);
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

  private CallerSettings settings() {
    return ParcelgateCommand.settings(command, profile);
  }

  /** Files given on the command line that cannot be read are a usage error: nothing was sent. */
  private static <T> T local(Supplier<T> setUp) {
    try {
      return setUp.get();
    } catch (ClientException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static SamplePki openPki(Path directory) {
    try {
      return SamplePki.open(directory);
    } catch (RuntimeException e) {
      throw new UsageException(
          "cannot read the PKI directory "
              + directory
              + " (give --pki, or an identity with --partner, --cert, --key and --signing-key)");
    }
  }
}
