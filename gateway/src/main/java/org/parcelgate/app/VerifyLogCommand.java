package org.parcelgate.app;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.parcelgate.privacy.LogVerifier;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.protocol.WitnessPolicy;

/**
 * {@code java -jar parcelgate-gateway.jar verify-log --log EXPORT.jsonl [--log NEXT.jsonl ...]
 * --checkpoint CHECKPOINT --keys JWKS.json [--log-name minimization|access]}: the export's pages in
 * order, then verifies an exported log offline, with nothing but the files: the export ({@code GET
 * /v1/privacy/export?format=jsonl}, or {@code /v1/privacy/access/export} for the access log), a
 * checkpoint of the same log ({@code GET /v1/privacy/checkpoint}, its JSON or the bare JWS) and the
 * gateway's public keys ({@code /.well-known/jwks.json}). The checkpoint must name the log given
 * ({@code minimization} unless said). Exit status 0 when verified, 1 when not, 2 for a usage error.
 */
public final class VerifyLogCommand {
  static final String NAME = "verify-log";
  static final String USAGE =
      "usage: java -jar parcelgate-gateway.jar verify-log --log EXPORT.jsonl [--log NEXT.jsonl"
          + " ...] --checkpoint CHECKPOINT --keys JWKS.json [--log-name minimization|access]"
          + " [--witnessed NOTE --log-key VKEY --witness-key VKEY ... --require N]";

  private VerifyLogCommand() {}

  /** Runs the command; returns the exit status. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    List<Path> logs = new ArrayList<>();
    Path checkpoint = null;
    Path keys = null;
    String logName = CheckpointVerifier.LOG_NAME;
    Path witnessed = null;
    String logKey = null;
    List<String> witnessKeys = new ArrayList<>();
    int required = 0;
    for (int i = 0; i < args.size(); i += 2) {
      if (i + 1 >= args.size()) {
        return usage(err, args.get(i) + " needs a value");
      }
      String value = args.get(i + 1);
      switch (args.get(i)) {
        case "--log" -> logs.add(Path.of(value));
        case "--checkpoint" -> checkpoint = Path.of(value);
        case "--keys" -> keys = Path.of(value);
        case "--witnessed" -> witnessed = Path.of(value);
        case "--log-key" -> logKey = value;
        case "--witness-key" -> witnessKeys.add(value);
        case "--require" -> {
          try {
            required = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            return usage(err, "--require is a number of witnesses");
          }
        }
        case "--log-name" -> {
          if (!value.equals(CheckpointVerifier.LOG_NAME)
              && !value.equals(CheckpointVerifier.ACCESS_LOG_NAME)) {
            return usage(err, "--log-name is minimization or access");
          }
          logName = value;
        }
        default -> {
          return usage(err, "unknown option " + args.get(i));
        }
      }
    }
    if (logs.isEmpty() || checkpoint == null || keys == null) {
      return usage(err, "--log, --checkpoint and --keys are all required");
    }
    WitnessPolicy policy = null;
    if (witnessed != null || logKey != null || !witnessKeys.isEmpty() || required > 0) {
      if (witnessed == null || logKey == null) {
        return usage(err, "--witnessed and --log-key go together, with the witnesses' keys");
      }
      try {
        List<SignedNote.VerifierKey> witnesses = new ArrayList<>();
        for (String key : witnessKeys) {
          witnesses.add(SignedNote.VerifierKey.parse(key));
        }
        policy = new WitnessPolicy(SignedNote.VerifierKey.parse(logKey), witnesses, required);
      } catch (IllegalArgumentException e) {
        return usage(err, e.getMessage());
      }
    }
    LogVerifier.Pass pass;
    LogVerifier.Pass witnessedPass = null;
    WitnessPolicy.Accepted accepted = null;
    try {
      JWKSet published = JWKSet.parse(Files.readString(keys, StandardCharsets.UTF_8));
      Checkpoint verified = new CheckpointVerifier(published).verify(jws(checkpoint), logName);
      pass = new LogVerifier.Pass(verified);
      if (policy != null) {
        accepted = policy.accept(note(witnessed));
        witnessedPass =
            new LogVerifier.Pass(
                new Checkpoint(
                    accepted.checkpoint().origin(),
                    accepted.checkpoint().treeSize(),
                    Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(accepted.checkpoint().rootHash()),
                    verified.time(),
                    logKey.substring(0, logKey.indexOf('+'))));
      }
      for (Path log : logs) {
        lines(log, pass);
        if (witnessedPass != null) {
          lines(log, witnessedPass);
        }
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
    LogVerifier.Result result = pass.result();
    if (witnessedPass != null && result.verified()) {
      LogVerifier.Result cosigned = witnessedPass.result();
      if (!cosigned.verified()) {
        out.println("NOT VERIFIED against the cosigned checkpoint: " + cosigned.message());
        return 1;
      }
      out.println(
          "VERIFIED: "
              + result.message()
              + "; and the first "
              + cosigned.covered()
              + " entries match the checkpoint cosigned by "
              + (accepted.witnesses().isEmpty()
                  ? "no witness"
                  : String.join(", ", accepted.witnesses())));
      return 0;
    }
    out.println((result.verified() ? "VERIFIED: " : "NOT VERIFIED: ") + result.message());
    return result.verified() ? 0 : 1;
  }

  /** A witnessed note file: the note itself, or a checkpoint answer whose witnessed.note it is. */
  private static String note(Path file) throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8);
    if (!content.strip().startsWith("{")) {
      return content;
    }
    try {
      Map<String, Object> json = JSONObjectUtils.parse(content);
      if (json.get("witnessed") instanceof Map<?, ?> witnessed
          && witnessed.get("note") instanceof String note) {
        return note;
      }
    } catch (ParseException e) {
      // reported below
    }
    throw new IllegalArgumentException("the witnessed file holds no witnessed note");
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

  /**
   * Gives the export's lines to the pass as they are read, never the whole file at once. Lines end
   * at {@code \n} only (a {@code \r} stays part of its line and so of its hash); a final newline
   * ends the last line rather than adding an empty one.
   */
  private static void lines(Path file, LogVerifier.Pass pass) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      char[] buffer = new char[8192];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        for (int i = 0; i < read; i++) {
          if (buffer[i] == '\n') {
            pass.add(line.toString());
            line.setLength(0);
          } else {
            line.append(buffer[i]);
          }
        }
      }
      if (!line.isEmpty()) {
        pass.add(line.toString());
      }
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println("parcelgate verify-log: " + problem);
    err.println(USAGE);
    return 2;
  }
}
