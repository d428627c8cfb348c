package org.parcelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The integrator examples (examples/) read the command line's own caller variables and no others:
 * one shell set-up serves both, and {@code parcelgate serve}, which leaves exactly these out of the
 * gateway's environment, never meets an example's variable it would refuse.
 */
class ExampleVariablesTest {
  private static final Pattern VARIABLE = Pattern.compile("PARCELGATE_[A-Z_]+");

  @Test
  void examplesReadOnlyTheCommandsCallerVariables() throws IOException {
    Path examples = Path.of("..", "examples").toAbsolutePath().normalize();
    Set<String> read = new TreeSet<>();
    try (Stream<Path> files = Files.walk(examples)) {
      for (Path file :
          files
              .filter(path -> !path.toString().contains("node_modules"))
              .filter(path -> path.toString().matches(".*\\.(py|mjs|js)$"))
              .toList()) {
        Matcher matcher = VARIABLE.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (matcher.find()) {
          read.add(matcher.group());
        }
      }
    }

    assertThat(read).as("variables the examples read").isNotEmpty();
    assertThat(CallerSettings.variables()).containsAll(read);
  }
}
