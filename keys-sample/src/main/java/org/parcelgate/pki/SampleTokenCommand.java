package org.parcelgate.pki;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.NoSuchElementException;

/**
 * Prints a fresh request token for a sample partner, so a developer can call a gateway running on
 * the sample identities with curl:
 *
 * <pre>
 * ./mvnw -q -pl keys-sample exec:java@token -Dexec.args="marketplace-alpha ES256 [BODY_FILE] [AUDIENCE]"
 * </pre>
 *
 * <p>The sample directory comes from the system property {@code parcelgate.sample.dir}. Exit codes:
 * 0 printed, 2 usage error, 1 failure.
 */
public final class SampleTokenCommand {
  /** The audience of the gateway's embedded defaults. */
  public static final String DEFAULT_AUDIENCE = "parcelgate-local";

  private SampleTokenCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, Clock.systemUTC()));
  }

  static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
    String directory = System.getProperty("parcelgate.sample.dir", "keys-sample/generated");
    if (args.length < 2 || args.length > 4) {
      err.println("usage: SampleTokenCommand PARTNER ALG [BODY_FILE|-] [AUDIENCE]");
      err.println("  PARTNER  a sample partner id, e.g. marketplace-alpha");
      err.println("  ALG      ES256, PS256 or EdDSA (a signing key of that partner)");
      err.println(
          "  BODY_FILE  the exact request body, to bind it with body_sha256 ('-' for none)");
      err.println("  AUDIENCE the gateway id (default " + DEFAULT_AUDIENCE + ")");
      return 2;
    }
    try {
      Identity identity = SamplePki.open(Path.of(directory)).identity(args[0]);
      String audience = args.length == 4 ? args[3] : DEFAULT_AUDIENCE;
      RequestTokens token = RequestTokens.of(identity, args[1], audience, clock.instant());
      if (args.length >= 3 && !args[2].equals("-")) {
        token.body(Files.readAllBytes(Path.of(args[2])));
      }
      out.println(token.sign());
      return 0;
    } catch (NoSuchElementException | IllegalArgumentException e) {
      err.println("parcelgate: " + e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      err.println("parcelgate: cannot make a token: " + e.getMessage());
      return 1;
    }
  }
}
