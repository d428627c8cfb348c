package org.parcelgate.pki;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

/**
 * Regenerates the sample PKI: {@code SamplePkiCommand <output directory>}.
 *
 * <p>In a directory that holds a sample manifest, the whole content is deleted first, so files of
 * an older layout do not linger. A directory without one is written only when none of the layout's
 * top-level entries ({@code README.md}, {@code ca/}, {@code partners/} and so on) exist in it, so
 * nothing the command does not own is ever replaced. It prints which files it wrote and their
 * validity, and exits 0 on success, 2 on a usage error and 1 on failure, with a one-line message on
 * standard error.
 */
public final class SamplePkiCommand {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private SamplePkiCommand() {}

  /** Runs the command with the system clock and exits with its status when it is not 0. */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err, Clock.systemUTC());
    if (status != OK) {
      System.exit(status);
    }
  }

  /** Runs the command and returns its exit status. */
  static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
    if (args.length != 1 || args[0].isBlank()) {
      return usage(err, "expected exactly one argument");
    }
    Path directory;
    try {
      directory = Path.of(args[0]).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      return usage(err, e.getMessage());
    }
    try {
      clear(directory);
      SamplePki pki = SamplePki.generate(directory, clock);
      printSummary(pki, out);
      return OK;
    } catch (RuntimeException e) {
      err.println(
          "keys-sample: cannot generate the sample PKI in " + directory + ": " + oneLine(e));
      return FAILED;
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println("usage: SamplePkiCommand <output directory> (" + problem + ")");
    return USAGE;
  }

  /**
   * Empties a directory that holds a sample, or checks that a directory without one has nothing to
   * be replaced.
   */
  private static void clear(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    if (!Files.isDirectory(directory)) {
      throw new PkiException(directory + " is not a directory");
    }
    if (Manifest.isIn(directory)) {
      deleteContent(directory);
      return;
    }
    List<String> taken =
        SampleGenerator.TOP_LEVEL_ENTRIES.stream()
            .filter(name -> Files.exists(directory.resolve(name)))
            .toList();
    if (!taken.isEmpty()) {
      throw new PkiException(
          "it holds no "
              + Manifest.FILE
              + " but already has "
              + taken
              + "; refusing to replace them");
    }
  }

  private static void deleteContent(Path directory) {
    try {
      Files.walkFileTree(
          directory,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure)
                throws IOException {
              if (failure != null) {
                throw failure;
              }
              if (!dir.equals(directory)) {
                Files.delete(dir);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + directory, e);
    }
  }

  private static void printSummary(SamplePki pki, PrintStream out) {
    Path root = pki.root();
    out.println("Wrote the Parcelgate sample PKI (SAMPLE keys, never for production) to " + root);
    out.println("generated at " + pki.generatedAt());
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(Files::isRegularFile)
          .sorted()
          .forEach(file -> out.println(describe(root, file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  private static String describe(Path root, Path file) {
    String name = root.relativize(file).toString().replace('\\', '/');
    String line = String.format("  %-58s", name);
    if (name.endsWith(".crt.pem")) {
      X509Certificate certificate = Pem.readCertificate(file);
      return line
          + certificate.getSubjectX500Principal().getName()
          + ", valid "
          + certificate.getNotBefore().toInstant()
          + " to "
          + certificate.getNotAfter().toInstant();
    }
    if (name.endsWith(".crl.pem")) {
      X509CRL crl = Pem.readCrl(file);
      return line
          + "CRL, "
          + (crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size())
          + " revoked, this update "
          + crl.getThisUpdate().toInstant()
          + ", next update "
          + crl.getNextUpdate().toInstant();
    }
    return line.stripTrailing();
  }

  private static String oneLine(Throwable e) {
    StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      message.append(": ").append(cause.getMessage());
    }
    return message.toString().replaceAll("\\s+", " ");
  }
}
