package org.parcelgate.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.parcelgate.pki.CertificateAuthority;
import org.parcelgate.pki.PartnerIdentities;
import org.parcelgate.pki.Pem;
import org.parcelgate.pki.SamplePki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code parcelgate keys}: the sample PKI and new partner identities. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Generates the sample PKI, or a new partner identity.",
    subcommands = {KeysCommand.Sample.class, KeysCommand.Partner.class})
final class KeysCommand {

  @Command(
      name = "sample",
      mixinStandardHelpOptions = true,
      description = {
        "Generates a complete sample PKI into DIR; SAMPLE keys, never for production.",
        "The CA and its CRL, the gateway's and every partner's certificates, signing and pseudonym keys, and the partner registry."
      })
  static final class Sample implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(
        paramLabel = "DIR",
        description = "The directory; created, its sample files replaced.")
    Path directory;

    @Override
    public Integer call() {
      SamplePki pki = SamplePki.generate(directory, Clock.systemUTC());
      PrintWriter out = spec.commandLine().getOut();
      out.println("sample PKI written to " + pki.root());
      pki.identities()
          .forEach(
              identity ->
                  out.printf(
                      "  %-22s %s%n",
                      identity.name(),
                      identity.registered() ? identity.role() : "(test identity, not registered)"));
      out.println("trust anchor: " + pki.trustAnchor());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "partner",
      mixinStandardHelpOptions = true,
      description = {
        "Issues a new partner identity with a CA the gateway trusts.",
        "Writes a TLS client certificate and its key, signing keys, the public JWK set, and the registry entry to add (docs/conformance.md, onboarding) to OUT. The entry is also printed, and written to OUT/registry-entry.json."
      })
  static final class Partner implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--id", required = true, description = "The new partner's id.")
    String id;

    @Option(
        names = "--role",
        required = true,
        description = "marketplace, customs or privacy-officer.")
    String role;

    @Option(
        names = "--alg",
        split = ",",
        defaultValue = "ES256",
        description = "Signing algorithms, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> algorithms;

    @Option(
        names = "--ca-cert",
        description = "The issuing CA's certificate (default: the installation's sample CA).")
    Path caCertificate;

    @Option(
        names = "--ca-key",
        description = "The issuing CA's private key (default: the installation's sample CA key).")
    Path caKey;

    @Option(names = "--out", required = true, description = "The directory to write to.")
    Path out;

    @Override
    public Integer call() {
      if (caCertificate == null) {
        caCertificate = Installation.resolve(Installation.SAMPLE_PKI + "/ca/root-ca.crt.pem");
      }
      if (caKey == null) {
        caKey = Installation.resolve(Installation.SAMPLE_PKI + "/ca/root-ca.SAMPLE-ONLY.key.pem");
      }
      if (!Files.isReadable(caCertificate) || !Files.isReadable(caKey)) {
        throw new UsageException("cannot read the CA's certificate and key: " + caCertificate);
      }
      CertificateAuthority ca =
          CertificateAuthority.of(Pem.readCertificate(caCertificate), Pem.readPrivateKey(caKey));
      String entry = PartnerIdentities.issue(ca, id, role, algorithms, out, Clock.systemUTC());
      PrintWriter print = spec.commandLine().getOut();
      print.println(entry);
      spec.commandLine()
          .getErr()
          .println(
              "identity of "
                  + id
                  + " written to "
                  + out
                  + "; add the entry above to the partner registry and reload it");
      return ExitCodes.OK;
    }
  }
}
