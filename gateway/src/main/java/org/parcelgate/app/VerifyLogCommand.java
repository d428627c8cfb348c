package org.parcelgate.app;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.parcelgate.privacy.LogVerifier;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.CheckpointVerifier;

/**
 * {@code java -jar parcelgate-gateway.jar verify-log --log EXPORT.jsonl [--log NEXT.jsonl ...]
 * --checkpoint CHECKPOINT --keys JWKS.json}: the export's pages in order, then verifies an exported
 * minimization log offline, with nothing but the files: the export ({@code GET
 * /v1/privacy/export?format=jsonl}), a checkpoint ({@code GET /v1/privacy/checkpoint}, its JSON or
 * the bare JWS) and the gateway's public keys ({@code /.well-known/jwks.json}). Exit status 0 when
 * verified, 1 when not, 2 for a usage error.
 */
public final class VerifyLogCommand {
  static final String NAME = "verify-log";
  static final String USAGE =
      "usage: java -jar parcelgate-gateway.jar verify-log --log EXPORT.jsonl [--log NEXT.jsonl"
          + " ...] --checkpoint CHECKPOINT --keys JWKS.json";

  private VerifyLogCommand() {}

  /** Runs the command; returns the exit status. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    List<Path> logs = new ArrayList<>();
    Path checkpoint = null;
    Path keys = null;
    for (int i = 0; i < args.size(); i += 2) {
      if (i + 1 >= args.size()) {
        return usage(err, args.get(i) + " needs a file");
      }
      Path value = Path.of(args.get(i + 1));
      switch (args.get(i)) {
        case "--log" -> logs.add(value);
        case "--checkpoint" -> checkpoint = value;
        case "--keys" -> keys = value;
        default -> {
          return usage(err, "unknown option " + args.get(i));
        }
      }
    }
    if (logs.isEmpty() || checkpoint == null || keys == null) {
      return usage(err, "--log, --checkpoint and --keys are all required");
    }
    Checkpoint verified;
    List<String> lines;
    try {
      JWKSet published = JWKSet.parse(Files.readString(keys, StandardCharsets.UTF_8));
      verified = new CheckpointVerifier(published).verify(jws(checkpoint));
      lines = new ArrayList<>();
      for (Path log : logs) {
        lines.addAll(lines(log));
      }
    } catch (IOException e) {
      err.println("parcelgate verify-log: cannot read " + e.getMessage());
      return 2;
    } catch (ParseException e) {
      err.println("parcelgate verify-log: the keys file is not a JWK set");
      return 2;
    } catch (IllegalArgumentException e) {
      out.println("NOT VERIFIED: " + e.getMessage());
      return 1;
    }
    LogVerifier.Result result = LogVerifier.verify(lines, verified);
    out.println((result.verified() ? "VERIFIED: " : "NOT VERIFIED: ") + result.message());
    return result.verified() ? 0 : 1;
  }

  /** A checkpoint file holds the API's JSON answer or the bare JWS. */
  private static String jws(Path file) throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (!content.startsWith("{")) {
      return content;
    }
    try {
      Map<String, Object> json = JSONObjectUtils.parse(content);
      if (json.get("jws") instanceof String jws) {
        return jws;
      }
    } catch (ParseException e) {
      // reported below
    }
    throw new IllegalArgumentException("the checkpoint file holds no jws member");
  }

  /** The export's lines; a final newline ends the last line rather than adding an empty one. */
  private static List<String> lines(Path file) throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  private static int usage(PrintStream err, String problem) {
    err.println("parcelgate verify-log: " + problem);
    err.println(USAGE);
    return 2;
  }
}
