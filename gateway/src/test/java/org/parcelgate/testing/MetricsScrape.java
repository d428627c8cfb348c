package org.parcelgate.testing;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a gateway's {@code /metrics}, in the Prometheus text format, parsed. */
public final class MetricsScrape {
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: \\S+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample line: its name, labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final Set<String> typed = new LinkedHashSet<>();
  private final Set<String> helped = new LinkedHashSet<>();
  private final List<Sample> samples = new ArrayList<>();

  private MetricsScrape(String text) {
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        typed.add(line.split(" ")[2]);
      } else if (line.startsWith("# HELP ")) {
        String[] parts = line.split(" ", 4);
        if (parts.length == 4 && !parts[3].isBlank()) {
          helped.add(parts[2]);
        }
      } else if (!line.isBlank() && !line.startsWith("#")) {
        Matcher sample = SAMPLE.matcher(line);
        if (!sample.matches()) {
          throw new AssertionError("not a sample line: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (sample.group(2) != null) {
          Matcher label = LABEL.matcher(sample.group(2));
          while (label.find()) {
            labels.put(label.group(1), label.group(2));
          }
        }
        samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
      }
    }
  }

  public static MetricsScrape of(String text) {
    return new MetricsScrape(text);
  }

  /** Scrapes {@code GET /metrics} on the ops port. */
  public static MetricsScrape of(Vertx vertx, int opsPort) {
    WebClient client =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(opsPort));
    try {
      var response = Await.result(client.get("/metrics").send());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET /metrics answered " + response.statusCode());
      }
      return of(response.bodyAsString());
    } finally {
      client.close();
    }
  }

  /** The families named in {@code # TYPE} lines. */
  public Set<String> families() {
    return typed;
  }

  /** The families with a non-empty {@code # HELP} line. */
  public Set<String> described() {
    return helped;
  }

  /** Every sample's name ({@code _total}, {@code _bucket}, ... included). */
  public Set<String> sampleNames() {
    Set<String> names = new LinkedHashSet<>();
    samples.forEach(sample -> names.add(sample.name()));
    return names;
  }

  public List<Sample> samples(String name) {
    return samples.stream().filter(sample -> sample.name().equals(name)).toList();
  }

  /** The value of the one sample of {@code name} whose labels include {@code labels}. */
  public OptionalDouble value(String name, Map<String, String> labels) {
    List<Sample> found =
        samples(name).stream()
            .filter(sample -> sample.labels().entrySet().containsAll(labels.entrySet()))
            .toList();
    if (found.size() > 1) {
      throw new AssertionError(found.size() + " samples of " + name + " match " + labels);
    }
    return found.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(found.get(0).value());
  }
}
