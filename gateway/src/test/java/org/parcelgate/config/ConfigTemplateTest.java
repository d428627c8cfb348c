package org.parcelgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The template of conf/parcelgate.yaml: the defaults, each explained, each commented out. */
class ConfigTemplateTest {
  @Test
  void explainsEverySettingOfTheShippedDefaults() throws IOException {
    String defaults = ConfigTemplate.embeddedDefaults();

    assertThat(ConfigTemplate.unexplained(defaults.lines().toList())).isEmpty();
  }

  @Test
  void isTheDefaultsOnceUncommented() throws IOException {
    String defaults = ConfigTemplate.embeddedDefaults();
    String template = ConfigTemplate.render(defaults);

    String uncommented =
        template
            .lines()
            .skip(ConfigTemplate.HEADER.lines().count())
            .filter(line -> line.startsWith("# ") || line.equals("#"))
            .map(line -> line.equals("#") ? "" : line.substring(2))
            .collect(Collectors.joining("\n"));

    assertThat(yaml(uncommented)).isEqualTo(yaml(defaults)).isNotNull();
    assertThat(yaml(template)).isNull(); // as shipped, it sets nothing
    assertThat(template).startsWith("# Parcelgate configuration template");
  }

  @Test
  void refusesASettingThatNoCommentExplains() {
    String defaults =
        """
        # opening comment
        api:
          # where the API listens
          host: 127.0.0.1
          port: 8443

          body-limit: 16
          # how long a request may take
          timeout: 10s
        # worker pools: threads and queue of each
        workers:
          auth:
            threads: 4
            queue: 8
        """;

    assertThatThrownBy(() -> ConfigTemplate.render(defaults))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaults without a comment that explains them: api.body-limit");
    assertThat(ConfigTemplate.unexplained(List.of("a:", "  list:", "    - x", "  # b", "  b: 1")))
        .containsExactly("a.list");
  }

  @Test
  void loadsAsTheDefaultsWhenCopiedUnchanged(@TempDir Path directory) throws Exception {
    Path copy =
        Files.writeString(
            directory.resolve("parcelgate.yaml"),
            ConfigTemplate.render(ConfigTemplate.embeddedDefaults()));
    Map<String, String> environment = TestGateway.environment(TestPki.shared());
    Vertx vertx = Vertx.vertx();
    try {
      GatewayConfig fromTemplate =
          Await.result(ConfigLoader.load(vertx, Optional.of(copy), environment));
      GatewayConfig fromDefaults =
          Await.result(ConfigLoader.load(vertx, Optional.empty(), environment));

      assertThat(fromTemplate.toString()).isEqualTo(fromDefaults.toString());
    } finally {
      Await.result(vertx.close());
    }
  }

  private static Object yaml(String text) {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
  }
}
