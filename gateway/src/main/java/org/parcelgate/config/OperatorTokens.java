package org.parcelgate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operators allowed to run the ops port's admin commands, each a name and a bearer token, read
 * once at start from {@code ops.admin.token-file}. Only SHA-256 digests of the tokens are kept; a
 * presented token is compared with every one of them in constant time. Nothing here ever prints a
 * token.
 *
 * <p>The file holds one operator per line, {@code <name>:<token>}; blank lines and lines starting
 * with {@code #} are skipped. A name is 1 to 64 letters, digits and {@code ._@-}; a token at least
 * {@value #MIN_TOKEN_LENGTH} printable characters without spaces (for example {@code head -c 32
 * /dev/urandom | base64}). The file must not be readable by every user of the machine.
 */
public final class OperatorTokens {
  /** The configuration key naming the file. */
  public static final String KEY = "ops.admin.token-file";

  /** The shortest token accepted: 32 characters of base64 are 192 bits. */
  public static final int MIN_TOKEN_LENGTH = 32;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

  private record Operator(String name, byte[] digest) {}

  private final List<Operator> operators;

  private OperatorTokens(List<Operator> operators) {
    this.operators = List.copyOf(operators);
  }

  /**
   * Reads the token file.
   *
   * @throws ConfigException naming {@value #KEY} and the line, never the token, if the file cannot
   *     be read, is readable by everyone, or holds a malformed line, a short token, a name or a
   *     token twice, or no operator at all
   */
  public static OperatorTokens read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(KEY, "file does not exist: " + file);
    }
    List<String> lines;
    try {
      if (Files.getFileStore(file).supportsFileAttributeView("posix")
          && Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ)) {
        throw new ConfigException(
            KEY, "file is readable by every user: " + file + " (chmod 600 or 640 it)");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          KEY, "file cannot be read: " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    List<Operator> operators = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> digests = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + " line " + (i + 1);
      int colon = line.indexOf(':');
      String name = colon < 0 ? "" : line.substring(0, colon);
      String token = colon < 0 ? "" : line.substring(colon + 1);
      if (!NAME.matcher(name).matches() || !TOKEN.matcher(token).matches()) {
        throw new ConfigException(
            KEY,
            where
                + ": each line is <operator name>:<token>, a name of letters, digits and ._@-"
                + " and a token without spaces");
      }
      if (token.length() < MIN_TOKEN_LENGTH) {
        throw new ConfigException(
            KEY,
            where
                + ": the token of "
                + name
                + " is shorter than "
                + MIN_TOKEN_LENGTH
                + " characters (head -c 32 /dev/urandom | base64 makes one)");
      }
      byte[] digest = sha256(token);
      if (!names.add(name)) {
        throw new ConfigException(KEY, where + ": operator " + name + " is listed twice");
      }
      if (!digests.add(java.util.HexFormat.of().formatHex(digest))) {
        throw new ConfigException(
            KEY, where + ": the token of " + name + " is another operator's token");
      }
      operators.add(new Operator(name, digest));
    }
    if (operators.isEmpty()) {
      throw new ConfigException(
          KEY, file + " holds no operator (leave the key empty to disable admin commands)");
    }
    return new OperatorTokens(operators);
  }

  /**
   * The operator whose token this is; empty if it is no operator's. Every operator's digest is
   * compared, each in constant time, whatever matched.
   */
  public Optional<String> operator(String presented) {
    byte[] digest = sha256(presented);
    String found = null;
    for (Operator operator : operators) {
      if (MessageDigest.isEqual(operator.digest(), digest) && found == null) {
        found = operator.name();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The operators' names, for the start-up line. */
  public List<String> names() {
    return operators.stream().map(Operator::name).toList();
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "OperatorTokens" + names();
  }
}
