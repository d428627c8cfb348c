package org.parcelgate.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.parcelgate.workers.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a value built from files (the partner registry, the CRLs) and swaps it when the files
 * change, on a timer or on an operator's command. Reads and parsing run on a worker; a file that is
 * refused leaves the old value in force and is logged once per distinct content. Readers always see
 * a complete value: in-flight requests are never disturbed.
 */
final class Reloader<T> implements Supplier<T> {
  private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

  /** Builds a value from the files' contents, in the order the files were given. */
  @FunctionalInterface
  interface Parser<T> {
    T parse(List<byte[]> contents) throws Exception;
  }

  /** What a reload did. */
  enum Outcome {
    RELOADED,
    UNCHANGED
  }

  private final Vertx vertx;
  private final WorkerPool workers;
  private final String name;
  private final List<Path> files;
  private final Parser<T> parser;
  private final Consumer<Boolean> onResult;
  private volatile Consumer<T> onLoaded = loaded -> {};
  private final AtomicReference<T> current = new AtomicReference<>();
  private String currentDigest = "";
  private String lastRefusedDigest = "";
  private long timerId = -1;

  Reloader(
      Vertx vertx,
      WorkerPool workers,
      String name,
      List<Path> files,
      Parser<T> parser,
      Consumer<Boolean> onResult) {
    this.vertx = vertx;
    this.workers = workers;
    this.name = name;
    this.files = List.copyOf(files);
    this.parser = parser;
    this.onResult = onResult;
  }

  @Override
  public T get() {
    return current.get();
  }

  /**
   * Reads, parses and swaps if the content changed. Fails, leaving the old value, if the new
   * content is refused.
   */
  Future<Outcome> reload() {
    return workers.submit(this::reloadBlocking);
  }

  private synchronized Outcome reloadBlocking() throws Exception {
    List<byte[]> contents = new ArrayList<>();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    String contentDigest = "unreadable";
    T parsed;
    try {
      for (Path file : files) {
        byte[] content = Files.readAllBytes(file);
        contents.add(content);
        digest.update(content);
      }
      contentDigest = HexFormat.of().formatHex(digest.digest());
      if (contentDigest.equals(currentDigest)) {
        return Outcome.UNCHANGED;
      }
      parsed = parser.parse(contents);
    } catch (Exception e) {
      if (!contentDigest.equals(lastRefusedDigest)) {
        lastRefusedDigest = contentDigest;
        onResult.accept(false);
        LOG.error(
            "{} refused, {}: {}",
            name,
            current.get() == null ? "nothing loaded yet" : "the previous version stays in force",
            e.getMessage());
      }
      throw e;
    }
    current.set(parsed);
    currentDigest = contentDigest;
    lastRefusedDigest = "";
    onResult.accept(true);
    onLoaded.accept(parsed);
    LOG.info("{} loaded (sha256 {})", name, contentDigest.substring(0, 16));
    return Outcome.RELOADED;
  }

  /** Tells {@code listener} each value put in force, at the first load and at every reload. */
  Reloader<T> onLoaded(Consumer<T> listener) {
    this.onLoaded = listener;
    return this;
  }

  /** Checks the files for changes every {@code interval}. */
  void watch(Duration interval) {
    timerId =
        vertx.setPeriodic(
            interval.toMillis(),
            id ->
                reload()
                    .onFailure(
                        failure -> {
                          // Already logged once per refused content; the old value stays in force.
                        }));
  }

  void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }
}
