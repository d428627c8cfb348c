package org.parcelgate.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A flattened configuration: dotted leaf paths ({@code token.clock-skew}) to raw values, with
 * typed, validating readers that name the offending key when a value is wrong.
 *
 * <p>Every read is remembered, so that {@link #requireAllRead()} can refuse a key that nothing
 * understands: a typo in a configuration file stops the gateway instead of being silently ignored.
 */
final class ConfigTree {
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  static final String ENV_PREFIX = "PARCELGATE_";

  private final Map<String, Object> values;
  private final Set<String> read = new TreeSet<>();

  private ConfigTree(Map<String, Object> values) {
    this.values = values;
  }

  /** Flattens a tree of maps into dotted paths; lists stay leaves. */
  static ConfigTree of(Map<String, Object> tree) {
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", tree, flat);
    return new ConfigTree(flat);
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> into) {
    for (Map.Entry<String, Object> entry : tree.entrySet()) {
      String path = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
      if (entry.getValue() instanceof Map) {
        flatten(path, (Map<String, Object>) entry.getValue(), into);
      } else {
        into.put(path, entry.getValue());
      }
    }
  }

  /**
   * The environment variable that overrides a path: {@code token.clock-skew} is {@code
   * PARCELGATE_TOKEN_CLOCK_SKEW}.
   */
  static String environmentName(String path) {
    return ENV_PREFIX + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Applies {@code PARCELGATE_*} environment variables over the known paths. A variable that names
   * no known setting is refused, so a misspelt override cannot silently do nothing. {@code ignored}
   * names variables that are not settings (such as the one that points at the configuration file).
   */
  void applyEnvironment(Map<String, String> environment, Set<String> ignored) {
    Map<String, String> pathByName = new LinkedHashMap<>();
    for (String path : values.keySet()) {
      String previous = pathByName.put(environmentName(path), path);
      if (previous != null) {
        throw new IllegalStateException(
            "settings "
                + previous
                + " and "
                + path
                + " share the variable "
                + environmentName(path));
      }
    }
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      String name = variable.getKey();
      if (!name.startsWith(ENV_PREFIX) || ignored.contains(name)) {
        continue;
      }
      String path = pathByName.get(name);
      if (path == null) {
        throw new ConfigException(
            name,
            "no such setting (environment variables override keys of the configuration file)");
      }
      Object current = values.get(path);
      values.put(
          path, current instanceof List ? splitList(variable.getValue()) : variable.getValue());
    }
  }

  private static List<Object> splitList(String value) {
    List<Object> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  private Object raw(String key) {
    read.add(key);
    if (!values.containsKey(key)) {
      throw new ConfigException(key, "is required");
    }
    Object value = values.get(key);
    if (value == null) {
      throw new ConfigException(key, "is required");
    }
    return value;
  }

  String string(String key) {
    Object value = raw(key);
    if (value instanceof Map || value instanceof List) {
      throw new ConfigException(key, "must be a single value");
    }
    return value.toString().trim();
  }

  String nonEmptyString(String key, Pattern allowed, String describe) {
    String value = string(key);
    if (!allowed.matcher(value).matches()) {
      throw new ConfigException(key, "must be " + describe);
    }
    return value;
  }

  int integer(String key, int min, int max) {
    Object value = raw(key);
    long parsed;
    if (value instanceof Number number && !(value instanceof Double) && !(value instanceof Float)) {
      parsed = number.longValue();
    } else {
      try {
        parsed = Long.parseLong(value.toString().trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key, "must be a whole number");
      }
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max);
    }
    return (int) parsed;
  }

  /**
   * A number of bytes ({@code 268435456}) or a whole percentage, 1 to 90, of the maximum heap
   * ({@code 25%}), resolved against {@code maxHeapBytes}.
   */
  long bytesOrHeapShare(String key, long maxHeapBytes) {
    Object value = raw(key);
    String text = value.toString().trim();
    String describe = "a number of bytes or a percentage of the maximum heap such as 25%";
    try {
      if (text.endsWith("%")) {
        int percent = Integer.parseInt(text.substring(0, text.length() - 1).trim());
        if (percent < 1 || percent > 90) {
          throw new ConfigException(key, "must be a percentage between 1% and 90%");
        }
        return maxHeapBytes / 100 * percent;
      }
      long bytes =
          value instanceof Number number && !(value instanceof Double) && !(value instanceof Float)
              ? number.longValue()
              : Long.parseLong(text);
      if (bytes < 1) {
        throw new ConfigException(key, "must be " + describe);
      }
      return bytes;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be " + describe);
    }
  }

  boolean bool(String key) {
    String value = string(key).toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key, "must be true or false");
    };
  }

  /**
   * A duration as ISO-8601 ({@code PT30S}) or a number with a unit ({@code 500ms}, {@code 30s},
   * {@code 5m}, {@code 1h}).
   */
  Duration duration(String key, Duration min, Duration max) {
    String value = string(key);
    Duration parsed;
    Matcher simple = SIMPLE_DURATION.matcher(value);
    try {
      if (simple.matches()) {
        long amount = Long.parseLong(simple.group(1));
        parsed =
            switch (simple.group(2)) {
              case "ms" -> Duration.ofMillis(amount);
              case "s" -> Duration.ofSeconds(amount);
              case "m" -> Duration.ofMinutes(amount);
              case "h" -> Duration.ofHours(amount);
              default -> Duration.ofDays(amount);
            };
      } else {
        parsed = Duration.parse(value);
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new ConfigException(key, "must be a duration such as 30s, 5m or PT30S");
    }
    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
      throw new ConfigException(key, "must be between " + describe(min) + " and " + describe(max));
    }
    return parsed;
  }

  private static String describe(Duration duration) {
    return duration.toMillisPart() == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }

  List<String> stringList(String key, boolean allowEmpty) {
    Object value = raw(key);
    List<String> items = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item == null || item instanceof Map || item instanceof List) {
          throw new ConfigException(key, "must be a list of plain values");
        }
        items.add(item.toString().trim());
      }
    } else {
      for (Object item : splitList(value.toString())) {
        items.add(item.toString());
      }
    }
    if (!allowEmpty && items.isEmpty()) {
      throw new ConfigException(key, "must name at least one value");
    }
    return List.copyOf(items);
  }

  /** A path to a readable regular file. */
  Path readableFile(String key) {
    return checkReadable(key, Path.of(string(key)));
  }

  List<Path> readableFiles(String key, boolean allowEmpty) {
    List<Path> paths = new ArrayList<>();
    for (String item : stringList(key, allowEmpty)) {
      paths.add(checkReadable(key, Path.of(item)));
    }
    return List.copyOf(paths);
  }

  private static Path checkReadable(String key, Path path) {
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(key, "file does not exist: " + path);
    }
    if (!Files.isReadable(path)) {
      throw new ConfigException(key, "file is not readable: " + path);
    }
    return path;
  }

  /**
   * Refuses any key that no reader asked for: it is a typo or a setting this version does not have.
   */
  void requireAllRead() {
    for (String key : values.keySet()) {
      if (!read.contains(key)) {
        throw new ConfigException(key, "unknown setting");
      }
    }
  }
}
