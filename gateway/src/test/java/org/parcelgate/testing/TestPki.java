package org.parcelgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.parcelgate.pki.SamplePki;

/**
 * The project's own sample PKI, generated fresh once per test JVM so that nothing committed can
 * expire under a test.
 */
public final class TestPki {
  private static SamplePki shared;

  private TestPki() {}

  public static synchronized SamplePki shared() {
    if (shared == null) {
      shared = SamplePki.generate(temporaryDirectory("parcelgate-pki"), Clock.systemUTC());
    }
    return shared;
  }

  public static Path temporaryDirectory(String prefix) {
    try {
      Path directory = Files.createTempDirectory(prefix);
      directory.toFile().deleteOnExit();
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
