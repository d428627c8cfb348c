package org.parcelgate.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the source tree outside the gateway module (docs, examples), found from the directory
 * the tests run in: the project's root is the nearest directory up that holds {@code mvnw} and
 * {@code docs/}.
 */
public final class ProjectFiles {
  private ProjectFiles() {}

  public static Path root() {
    Path here = Path.of("").toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("docs"))) {
        return dir;
      }
    }
    throw new IllegalStateException("the tests do not run inside the project's source tree");
  }

  public static Path resolve(String relative) {
    return root().resolve(relative);
  }
}
