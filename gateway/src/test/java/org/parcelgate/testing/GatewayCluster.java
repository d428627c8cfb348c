package org.parcelgate.testing;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.store.PostgresStore;

/**
 * Several real gateway processes ({@link GatewayProcess}) on one fresh PostgreSQL database, as an
 * operator runs them behind a TCP load balancer: the same signing keys, pseudonym keys, recipients
 * and partner registry file, each instance on ports of its own. The registry file is the cluster's
 * own copy, so a test can change it under every instance at once; the reload interval is short.
 *
 * <p>Tests count from outside: through the instances' ports, and through {@link #auditor()}, a
 * plain JDBC connection to the shared database.
 */
public final class GatewayCluster implements AutoCloseable {
  /** How often each instance re-reads the registry file. */
  public static final String REGISTRY_RELOAD_INTERVAL = "300ms";

  private final SamplePki pki;
  private final PostgresStore.Server database;
  private final Path registryFile;
  private final Map<String, String> environment;
  private final List<Member> members = new ArrayList<>();

  private GatewayCluster(
      SamplePki pki,
      PostgresStore.Server database,
      Path registryFile,
      Map<String, String> environment) {
    this.pki = pki;
    this.database = database;
    this.registryFile = registryFile;
    this.environment = environment;
  }

  /**
   * Starts {@code size} instances on a fresh database, each with the test environment plus {@code
   * overrides}, and waits until every one is ready.
   */
  public static GatewayCluster start(
      Vertx vertx, SamplePki pki, int size, Map<String, String> overrides) throws IOException {
    PostgresStore.Server database = Postgres.freshDatabase();
    Path registryFile = TestPki.temporaryDirectory("cluster-registry").resolve("partners.json");
    Files.copy(pki.registry(), registryFile);
    Map<String, String> env = new HashMap<>();
    env.put("PARCELGATE_STORE_URL", database.url());
    env.put("PARCELGATE_STORE_USER", database.user());
    // The test server trusts local connections: the password is empty.
    env.put("PARCELGATE_STORE_PASSWORD", new String(database.password()));
    env.put("PARCELGATE_STORE_READERS", Integer.toString(Postgres.READERS));
    env.put("PARCELGATE_REGISTRY_FILE", registryFile.toString());
    env.put("PARCELGATE_REGISTRY_RELOAD_INTERVAL", REGISTRY_RELOAD_INTERVAL);
    env.putAll(overrides);
    GatewayCluster cluster = new GatewayCluster(pki, database, registryFile, env);
    try {
      for (int i = 0; i < size; i++) {
        Path data = TestPki.temporaryDirectory("cluster-instance-" + i);
        cluster.members.add(
            new Member(
                data,
                data.resolve("gateway.log"),
                GatewayProcess.freePort(),
                GatewayProcess.freePort()));
      }
      for (int i = 0; i < size; i++) {
        cluster.launch(i);
      }
      for (int i = 0; i < size; i++) {
        cluster.awaitReady(vertx, i);
      }
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void launch(int i) throws IOException {
    Member member = members.get(i);
    member.process =
        GatewayProcess.launch(
            pki,
            member.data,
            member.log,
            member.partnerPort,
            member.opsPort,
            environment,
            // Quick to start and light on a small shared machine: these processes live seconds.
            List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
  }

  private void awaitReady(Vertx vertx, int i) {
    try {
      members.get(i).process.awaitReady(vertx);
    } catch (AssertionError notReady) {
      throw new AssertionError(
          "instance " + i + " did not start; its log ends with:\n" + logTail(i), notReady);
    }
  }

  public int size() {
    return members.size();
  }

  /** The partner port of instance {@code i}. */
  public int partnerPort(int i) {
    return members.get(i).partnerPort;
  }

  /** The operations port of instance {@code i}. */
  public int opsPort(int i) {
    return members.get(i).opsPort;
  }

  /** Whether instance {@code i} has not been killed (and its process is running). */
  public boolean alive(int i) {
    Member member = members.get(i);
    return !member.killed && member.process.process().isAlive();
  }

  /** The indexes of the instances still running, in order. */
  public List<Integer> live() {
    List<Integer> live = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      if (alive(i)) {
        live.add(i);
      }
    }
    return live;
  }

  /** Kills instance {@code i} at once (SIGKILL), as a crash would. */
  public void kill(int i) throws InterruptedException {
    Member member = members.get(i);
    member.killed = true;
    member.process.kill();
  }

  /** The registry file every instance reads; replace it with {@link #writeRegistry(String)}. */
  public Path registryFile() {
    return registryFile;
  }

  /**
   * Replaces the registry file in one rename, so no instance can read it half-written, as an
   * operator's deployment tool would.
   */
  public void writeRegistry(String contents) throws IOException {
    Path next = registryFile.resolveSibling("partners.json.next");
    Files.writeString(next, contents, StandardCharsets.UTF_8);
    Files.move(
        next, registryFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The shared database. */
  public PostgresStore.Server database() {
    return database;
  }

  /** A connection to the shared database, for counting what the instances stored. */
  public Connection auditor() throws SQLException {
    return DriverManager.getConnection(
        database.url(), database.user(), new String(database.password()));
  }

  /** The last lines instance {@code i} wrote, for failure messages. */
  public String logTail(int i) {
    try {
      List<String> lines = Files.readAllLines(members.get(i).log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops every instance still running, gracefully. */
  @Override
  public void close() {
    for (Member member : members) {
      if (member.process != null) {
        try {
          member.process.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static final class Member {
    final Path data;
    final Path log;
    final int partnerPort;
    final int opsPort;
    volatile GatewayProcess process;
    volatile boolean killed;

    Member(Path data, Path log, int partnerPort, int opsPort) {
      this.data = data;
      this.log = log;
      this.partnerPort = partnerPort;
      this.opsPort = opsPort;
    }
  }
}
