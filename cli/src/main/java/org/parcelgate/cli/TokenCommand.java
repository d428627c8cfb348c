package org.parcelgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.parcelgate.client.ClientIdentity;
import org.parcelgate.protocol.RequestToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code parcelgate token}: a fresh request token of a partner, for curl or any HTTP client. The
 * token is the client library's ({@link ClientIdentity#token}), as sent with every call of the
 * other commands.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a fresh request token of a partner (default marketplace-alpha), for curl or any other HTTP client.",
      "The token (protocol.md, section 2) names the partner and the gateway (--audience), is bound to the client certificate and, for a request with a body, to its exact bytes (--body). It lives two minutes and is accepted once: make one per request. The method and path are not part of a token; --method only says whether the request has a body (POST, PUT and PATCH always do, even an empty one). Nothing is sent to the gateway."
    })
final class TokenCommand implements Callable<Integer> {
  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin Connection connection;

  @Option(
      names = "--body",
      paramLabel = "FILE",
      description = "The exact request body, to bind with body_sha256; '-' reads standard input.")
  String body;

  @Option(
      names = "--method",
      paramLabel = "METHOD",
      defaultValue = "GET",
      description =
          "The request's method; POST, PUT or PATCH without --body bind the empty body"
              + " (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(
      names = "--json",
      description =
          "Print one JSON document: token, partnerId, keyId, audience, jti, issuedAt, expiresAt,"
              + " bodySha256 (null without a body).")
  boolean json;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws IOException {
    String verb = method.toUpperCase(Locale.ROOT);
    if (!verb.matches("[A-Z]{1,16}")) {
      throw new UsageException("--method is an HTTP method such as GET or POST");
    }
    byte[] bytes = body != null ? read(body) : BODY_METHODS.contains(verb) ? new byte[0] : null;
    Connection.Caller caller = connection.caller("marketplace-alpha", false);
    ClientIdentity identity = caller.identity();
    RequestToken token = identity.token(caller.audience(), bytes, clock.instant());
    String signed = token.sign(identity.signingKey());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode document = new ObjectMapper().createObjectNode();
      document.put("token", signed);
      document.put("partnerId", identity.partnerId());
      document.put("keyId", identity.signingKey().getKeyID());
      document.put("audience", caller.audience());
      document.put("jti", token.jti());
      document.put("issuedAt", token.issuedAt().toString());
      document.put("expiresAt", token.issuedAt().plus(token.lifetime()).toString());
      document.put("bodySha256", token.bodySha256());
      out.println(document.toString());
    } else {
      out.println(signed);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private byte[] read(String file) throws IOException {
    if (file.equals("-")) {
      try (InputStream in = System.in) {
        return in.readAllBytes();
      }
    }
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new UsageException("no file " + file);
    }
  }
}
