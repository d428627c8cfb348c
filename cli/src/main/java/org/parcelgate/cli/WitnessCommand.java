package org.parcelgate.cli;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.witness.Witness;
import org.parcelgate.witness.WitnessServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parcelgate witness}: a witness of the gateway's logs (c2sp.org/tlog-witness), for a
 * customs administration or a data-protection authority to run.
 */
@Command(
    name = "witness",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a witness of the gateway's logs (C2SP tlog-witness): it cosigns a log's checkpoint only if the log signed"
          + " it and it extends the last one it cosigned, and refuses rollbacks and forks. Ctrl-C or SIGTERM stop it.",
      "Its key is made in the state directory on first start; the verifier key to give to readers is printed at start."
    })
final class WitnessCommand implements Callable<Integer> {
  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "The witness's name, such as dpa.example/witness (no spaces, no +).")
  String name;

  @Option(
      names = "--state",
      required = true,
      paramLabel = "DIR",
      description = "Where the witness keeps its key and what it cosigned.")
  Path state;

  @Option(
      names = "--log",
      required = true,
      paramLabel = "VKEY",
      description =
          "The note verifier key of a log to witness (noteKey of the gateway's checkpoint answer); repeat for more.")
  List<String> logs = new ArrayList<>();

  @Option(names = "--host", paramLabel = "HOST", description = "Default: 127.0.0.1.")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "PORT", description = "Default: 9444.")
  int port = 9444;

  @Override
  public Integer call() throws IOException, InterruptedException {
    List<SignedNote.VerifierKey> keys = new ArrayList<>();
    for (String log : logs) {
      try {
        keys.add(SignedNote.VerifierKey.parse(log));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--log " + log + ": " + e.getMessage());
      }
    }
    Witness witness;
    try {
      witness = Witness.open(name, keys, state, Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Vertx vertx = Vertx.vertx();
    CountDownLatch stopped = new CountDownLatch(1);
    HttpServer server;
    try {
      server =
          WitnessServer.start(vertx, witness, host, port)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      vertx.close();
      System.err.println("parcelgate witness: cannot listen on " + host + ":" + port);
      return ExitCodes.FAILURE;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  vertx.close().toCompletionStage().toCompletableFuture().join();
                  stopped.countDown();
                }));
    System.out.printf(
        "witness %s listening on http://%s:%d/ (add-checkpoint), verifier key %s%n",
        name, host, server.actualPort(), witness.verifierKey().encode());
    stopped.await();
    return ExitCodes.OK;
  }
}
