package org.parcelgate.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration template an operator starts from: the embedded defaults, every line commented
 * out, under a header that says how to use it. The distribution's build writes it to {@code
 * conf/parcelgate.yaml} from the defaults of the jar it ships, so the two cannot drift; and it
 * refuses a default without a comment that says what it means.
 *
 * <p>A setting counts as explained when a comment stands directly above it, or above the run of
 * sibling settings it belongs to (no blank line between them), or above the section whose first
 * settings these are ({@code workers.auth} and its {@code threads} and {@code queue}).
 */
public final class ConfigTemplate {
  private static final String DEFAULTS = "org/parcelgate/config/defaults.yaml";
  private static final Pattern KEY = Pattern.compile("^( *)([a-z0-9-]+):(.*)$");

  static final String HEADER =
      """
      # Parcelgate configuration template: every setting with its default and what it means, generated from the
      # defaults built into lib/ (docs/operations.md describes each one).
      #
      # Every setting below is commented out, and the gateway uses the default of any setting a configuration file
      # does not set. To change one, copy this file (for example to /etc/parcelgate/parcelgate.yaml), remove the
      # leading "# " of the setting and of its section lines, and edit the value. An environment variable overrides
      # the file: the key token.clock-skew is PARCELGATE_TOKEN_CLOCK_SKEW (lists are comma-separated).
      #
      # Relative paths resolve against the gateway's working directory (the systemd unit's: /var/lib/parcelgate).
      # The defaults name the development sample identities of a source checkout, which this archive does not
      # ship: a production configuration names its own files, for example
      #   /etc/parcelgate/tls/        server certificate chain and key, trust anchors (root CAs), their CRLs
      #   /etc/parcelgate/registry/   partners.json, the partner registry
      #   /etc/parcelgate/privacy/    pseudonym key store and the recipients' policy files
      #   /etc/parcelgate/signing/    the gateway's signing key(s), a JWK set
      #   /var/lib/parcelgate/data    the embedded store (store.data-directory), the only place written
      # Keys are readable by the parcelgate user only. 'parcelgate config check --config FILE' checks a
      # configuration and every file it names without starting anything.
      #
      """;

  private ConfigTemplate() {}

  /** Writes the template of the embedded defaults to the file {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ConfigTemplate OUTPUT_FILE");
    }
    Path output = Path.of(args[0]);
    if (output.getParent() != null) {
      Files.createDirectories(output.getParent());
    }
    Files.writeString(output, render(embeddedDefaults()), StandardCharsets.UTF_8);
  }

  /** The embedded defaults file, as the gateway reads it. */
  public static String embeddedDefaults() throws IOException {
    try (InputStream in = ConfigTemplate.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IOException("the jar lacks " + DEFAULTS);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The template of {@code defaults}: its settings and comments, each line behind {@code "# "},
   * after the template's own header (the defaults' opening comment is replaced).
   *
   * @throws IllegalArgumentException naming every setting that no comment explains
   */
  public static String render(String defaults) {
    List<String> lines = defaults.lines().toList();
    int start = 0;
    while (start < lines.size() && lines.get(start).startsWith("#")) {
      start++;
    }
    List<String> body = lines.subList(start, lines.size());
    List<String> unexplained = unexplained(body);
    if (!unexplained.isEmpty()) {
      throw new IllegalArgumentException(
          "defaults without a comment that explains them: " + String.join(", ", unexplained));
    }
    StringBuilder template = new StringBuilder(HEADER);
    for (String line : body) {
      template.append(line.isBlank() ? "#" : "# " + line).append('\n');
    }
    return template.toString();
  }

  /** The dotted keys of the settings (keys with a value or a list) that no comment explains. */
  static List<String> unexplained(List<String> lines) {
    List<String> missing = new ArrayList<>();
    Deque<Key> path = new ArrayDeque<>();
    // Per indentation: whether the current run of sibling keys there is explained.
    Map<Integer, Boolean> runs = new HashMap<>();
    boolean afterComment = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String stripped = line.strip();
      if (stripped.isEmpty()) {
        afterComment = false;
        runs.replaceAll((indent, explained) -> false);
        continue;
      }
      if (stripped.startsWith("#")) {
        afterComment = true;
        continue;
      }
      Matcher matcher = KEY.matcher(line);
      if (!matcher.matches()) {
        continue; // a list item of the key above
      }
      int indent = matcher.group(1).length();
      while (!path.isEmpty() && path.peek().indent() >= indent) {
        path.pop();
      }
      runs.keySet().removeIf(deeper -> deeper > indent);
      boolean explained;
      if (afterComment) {
        explained = true;
      } else if (runs.containsKey(indent)) {
        explained = runs.get(indent);
      } else {
        explained = !path.isEmpty() && path.peek().explained();
      }
      runs.put(indent, explained);
      Key key = new Key(indent, matcher.group(2), explained);
      path.push(key);
      boolean setting = !matcher.group(3).isBlank() || listFollows(lines, i);
      if (setting && !explained) {
        List<String> names = new ArrayList<>();
        path.descendingIterator().forEachRemaining(part -> names.add(part.name()));
        missing.add(String.join(".", names));
      }
      afterComment = false;
    }
    return missing;
  }

  private record Key(int indent, String name, boolean explained) {}

  private static boolean listFollows(List<String> lines, int index) {
    for (int next = index + 1; next < lines.size(); next++) {
      String stripped = lines.get(next).strip();
      if (!stripped.isEmpty() && !stripped.startsWith("#")) {
        return stripped.startsWith("- ");
      }
    }
    return false;
  }
}
