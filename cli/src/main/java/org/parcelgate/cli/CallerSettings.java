package org.parcelgate.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Who calls which gateway, when not given as options: environment variables, then a profile file.
 * Each setting is taken from the first of: its command-line option, its environment variable, its
 * key in the profile, the default. The identity (--as, or --partner with --cert, --key and
 * --signing-key) is taken as a whole from the first of these sources that names one, so a profile's
 * identity never mixes with an option's.
 *
 * <p>The profile is the file of {@code --profile}, else of {@value #PROFILE_VARIABLE}, else {@code
 * $XDG_CONFIG_HOME/parcelgate/profile} or {@code ~/.config/parcelgate/profile} if it exists: Java
 * properties ({@code key = value}), keys as in {@link Key}. Relative paths in a profile are
 * relative to the profile's directory.
 */
public final class CallerSettings {
  /** The variable naming the profile file. */
  static final String PROFILE_VARIABLE = "PARCELGATE_PROFILE";

  /** A setting: its profile key and its environment variable. */
  enum Key {
    URL("url", "PARCELGATE_URL", false),
    AUDIENCE("audience", "PARCELGATE_AUDIENCE", false),
    PKI("pki", "PARCELGATE_PKI", true),
    AS("as", "PARCELGATE_AS", false),
    ALG("alg", "PARCELGATE_ALG", false),
    PARTNER("partner", "PARCELGATE_PARTNER", false),
    CERT("cert", "PARCELGATE_CERT", true),
    KEY("key", "PARCELGATE_KEY", true),
    SIGNING_KEY("signing-key", "PARCELGATE_SIGNING_KEY", true),
    TRUST_ANCHOR("trust-anchor", "PARCELGATE_TRUST_ANCHOR", true);

    final String property;
    final String variable;
    final boolean path;

    Key(String property, String variable, boolean path) {
      this.property = property;
      this.variable = variable;
      this.path = path;
    }
  }

  /** The settings that name who calls; taken from one source as a whole. */
  static final Set<Key> IDENTITY = Set.of(Key.AS, Key.PARTNER, Key.CERT, Key.KEY, Key.SIGNING_KEY);

  /** Where a value came from, for messages. */
  enum Source {
    OPTION,
    ENVIRONMENT,
    PROFILE
  }

  private final Map<String, String> environment;
  private final Map<String, String> profile;
  private final Path profileFile;

  private CallerSettings(
      Map<String, String> environment, Map<String, String> profile, Path profileFile) {
    this.environment = environment;
    this.profile = profile;
    this.profileFile = profileFile;
  }

  /**
   * The settings of this environment and profile.
   *
   * @param profileOption the file of {@code --profile}, or {@code null}
   * @throws UsageException if a named profile cannot be read or has an unknown key
   */
  static CallerSettings load(Map<String, String> environment, Path userHome, Path profileOption) {
    Path file = profileOption;
    boolean named = file != null;
    if (file == null && environment.get(PROFILE_VARIABLE) != null) {
      file = Path.of(environment.get(PROFILE_VARIABLE));
      named = true;
    }
    if (file == null) {
      String xdg = environment.get("XDG_CONFIG_HOME");
      Path base =
          xdg != null && !xdg.isBlank()
              ? Path.of(xdg)
              : userHome == null ? null : userHome.resolve(".config");
      file = base == null ? null : base.resolve("parcelgate").resolve("profile");
    }
    if (file == null || !named && !Files.isRegularFile(file)) {
      return new CallerSettings(environment, Map.of(), null);
    }
    return new CallerSettings(environment, readProfile(file), file);
  }

  /**
   * This process's environment without the caller variables: the environment a gateway started by
   * this command ({@code serve}, {@code config check}) takes its {@code PARCELGATE_*} settings
   * from, since it refuses names it does not know.
   */
  static Map<String, String> gatewayEnvironment() {
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment.keySet().removeAll(variables());
    return Map.copyOf(environment);
  }

  /**
   * The environment variables of the caller settings, profile included: a gateway started by the
   * command must not see them, since it refuses {@code PARCELGATE_*} names that are not its own.
   */
  public static List<String> variables() {
    List<String> names = new ArrayList<>();
    for (Key key : Key.values()) {
      names.add(key.variable);
    }
    names.add(PROFILE_VARIABLE);
    return List.copyOf(names);
  }

  /** The profile file read, if any. */
  Optional<Path> profileFile() {
    return Optional.ofNullable(profileFile);
  }

  /** The value of a setting: the option's if given, else the environment's, else the profile's. */
  String text(Key key, String option) {
    if (option != null) {
      return option;
    }
    return fromEnvironment(key).orElseGet(() -> profile.get(key.property));
  }

  /** A path setting; a profile's relative path is relative to the profile's directory. */
  Path path(Key key, Path option) {
    if (option != null) {
      return option;
    }
    Optional<String> variable = fromEnvironment(key);
    if (variable.isPresent()) {
      return Path.of(variable.get());
    }
    String value = profile.get(key.property);
    return value == null ? null : relativeToProfile(value);
  }

  /** The first source that names an identity, given whether the options name one. */
  Optional<Source> identitySource(boolean optionsNameOne) {
    if (optionsNameOne) {
      return Optional.of(Source.OPTION);
    }
    if (IDENTITY.stream().anyMatch(key -> fromEnvironment(key).isPresent())) {
      return Optional.of(Source.ENVIRONMENT);
    }
    if (IDENTITY.stream().anyMatch(key -> profile.containsKey(key.property))) {
      return Optional.of(Source.PROFILE);
    }
    return Optional.empty();
  }

  /** An identity setting of one source ({@link Source#OPTION} values are the caller's). */
  String identityText(Source source, Key key) {
    return source == Source.ENVIRONMENT
        ? fromEnvironment(key).orElse(null)
        : source == Source.PROFILE ? profile.get(key.property) : null;
  }

  /** An identity path of one source. */
  Path identityPath(Source source, Key key) {
    String value = identityText(source, key);
    if (value == null) {
      return null;
    }
    return source == Source.PROFILE ? relativeToProfile(value) : Path.of(value);
  }

  /** How to name a source in a message. */
  String describe(Source source) {
    return switch (source) {
      case OPTION -> "the options";
      case ENVIRONMENT -> "the PARCELGATE_* environment variables";
      case PROFILE -> "the profile " + profileFile;
    };
  }

  private Optional<String> fromEnvironment(Key key) {
    String value = environment.get(key.variable);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  private Path relativeToProfile(String value) {
    Path path = Path.of(value);
    Path directory = profileFile.toAbsolutePath().getParent();
    return path.isAbsolute() || directory == null ? path : directory.resolve(path);
  }

  private static Map<String, String> readProfile(Path file) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (NoSuchFileException e) {
      throw new UsageException("no profile file " + file);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("cannot read the profile " + file + ": " + e.getMessage());
    }
    Set<String> known =
        Arrays.stream(Key.values()).map(key -> key.property).collect(Collectors.toSet());
    Map<String, String> values = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      if (!known.contains(name)) {
        throw new UsageException(
            "the profile "
                + file
                + " has an unknown key "
                + name
                + " (known: "
                + Arrays.stream(Key.values())
                    .map(key -> key.property)
                    .collect(Collectors.joining(", "))
                + ")");
      }
      String value = properties.getProperty(name).trim();
      if (!value.isEmpty()) {
        values.put(name, value);
      }
    }
    return values;
  }
}
