package org.parcelgate.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.parcelgate.auth.TokenPolicy;
import org.parcelgate.delivery.Routing;
import org.parcelgate.ingest.IngestLimits;
import org.parcelgate.logging.LogFormat;
import org.parcelgate.protocol.RetryPolicy;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.risk.RiskSettings;
import org.parcelgate.validation.ValidationPolicy;
import org.parcelgate.workers.WorkerPools;

/**
 * The gateway's whole configuration, typed and validated. Built once at start by {@link
 * ConfigLoader}; see {@code defaults.yaml} for every key and docs/operations.md for what each does.
 */
public record GatewayConfig(
    String gatewayId,
    PartnerApi partnerApi,
    Ops ops,
    Tls tls,
    Registry registry,
    Token token,
    Signing signing,
    Store store,
    Ingest ingest,
    ValidationPolicy validation,
    RiskSettings risk,
    Privacy privacy,
    Delivery delivery,
    WorkerPools.Settings workers,
    Log log) {

  /**
   * The mutual-TLS port partners call.
   *
   * @param bodyMemoryBudget bytes of request bodies the gateway holds at once, over all requests
   * @param headerTimeout how long a request's line and headers may take to arrive, from its first
   *     byte
   * @param bodyTimeout how long a request's body may take to arrive, from the end of its headers
   * @param maxRequestsInFlightPerPartner requests of one partner answered concurrently
   * @param instances verticle instances serving the port, each with its own event loop
   */
  public record PartnerApi(
      String host,
      int port,
      int instances,
      int bodyLimitBytes,
      long bodyMemoryBudget,
      Duration headerTimeout,
      Duration bodyTimeout,
      int maxRequestsInFlightPerPartner,
      Duration idleTimeout,
      Duration handshakeTimeout,
      Duration shutdownGrace) {}

  /**
   * The plain-HTTP operations port: health, metrics, operator commands.
   *
   * @param admin the operators allowed to run the admin commands ({@code ops.admin.token-file});
   *     empty: admin commands are disabled and answer 403 {@code admin_disabled}
   */
  public record Ops(String host, int port, Optional<OperatorTokens> admin) {}

  /** How the process writes its log lines (see org.parcelgate.logging). */
  public record Log(LogFormat format) {}

  /** Server identity, trust anchors and revocation for the partner port. */
  public record Tls(
      Path certificate,
      Path privateKey,
      List<Path> trustAnchors,
      List<Path> crls,
      boolean allowStaleCrl,
      Set<String> protocols,
      Duration reloadInterval) {}

  /** The partner registry file and how often it is checked for changes. */
  public record Registry(Path file, Duration reloadInterval) {}

  /** Request-token rules and the replay guard's bound. */
  public record Token(TokenPolicy policy, int replayCacheSize) {}

  /**
   * The embedded store.
   *
   * @param timeout the longest one store operation may take (queueing included) before the request
   *     is answered 503 {@code store_unavailable}; a write past it makes the store unavailable
   * @param probeInterval how often a tiny write checks the store; while it is unavailable, the
   *     first that succeeds makes it available again. Refusals name it in {@code Retry-After}.
   * @param maxWritesPerCommit the most writes the store's writer commits together, in one
   *     transaction and one fsync (group commit)
   * @param server the PostgreSQL database the instances of a cluster share; empty for the embedded
   *     store in {@code dataDirectory}
   */
  public record Store(
      Path dataDirectory,
      Duration purgeInterval,
      Duration timeout,
      Duration probeInterval,
      int maxWritesPerCommit,
      Optional<Database> server) {}

  /**
   * A PostgreSQL database.
   *
   * @param url its JDBC URL, without a password
   * @param user the role
   * @param password the role's password, from the environment or a file
   * @param readers reader connections of this instance
   */
  public record Database(String url, String user, Secret password, int readers) {}

  /** Batch limits: the gateway's own, and Avro's JVM-wide decoder limits. */
  public record Ingest(
      IngestLimits limits, int maxStringBytes, int maxBytesLength, int maxCollectionItems) {}

  /** The gateway's own signing keys. */
  public record Signing(Path keyFile, Optional<String> activeKid) {}

  /**
   * Data minimization: the recipients, each with its policy, and where the pseudonym keys come
   * from.
   *
   * @param pseudonymKeyFile the key store file; empty when the keys come from the environment
   * @param pseudonymKeys the key store itself, from the environment; wins over the file
   * @param witnesses the witnesses the logs' checkpoints are submitted to
   * @param witnessInterval how often the logs' latest checkpoints are submitted to them
   * @param retentionInterval how often the copies and sellers the recipients' retention made due
   *     are purged
   */
  public record Privacy(
      List<Recipient> recipients,
      Optional<Path> pseudonymKeyFile,
      Optional<Secret> pseudonymKeys,
      List<WitnessEndpoint> witnesses,
      Duration witnessInterval,
      Duration retentionInterval) {}

  /**
   * A witness of the logs (c2sp.org/tlog-witness): where it takes checkpoints, and its cosignature
   * verifier key.
   *
   * @param url its submission prefix: {@code add-checkpoint} is posted under it
   */
  public record WitnessEndpoint(URI url, SignedNote.VerifierKey key) {}

  /**
   * A recipient of minimized records and its policy.
   *
   * @param policy a policy file, or the name of a policy shipped with the gateway
   */
  public record Recipient(String id, PolicySource policy) {}

  /** Where a policy comes from: a file, or a policy shipped with the gateway ({@code builtin:}). */
  public sealed interface PolicySource {
    record File(Path path) implements PolicySource {}

    record Builtin(String name) implements PolicySource {}
  }

  /**
   * Delivery to customs: which destinations each recipient receives, the feed page bound, and the
   * push of records to recipients with an endpoint.
   *
   * @param destinations per recipient of {@link Privacy#recipients()}, its destination countries
   * @param maxPageSize the most records one feed page holds
   */
  public record Delivery(
      Map<String, Routing.Destinations> destinations, int maxPageSize, Push push) {}

  /**
   * Pushing records to recipients' endpoints.
   *
   * @param endpoints per recipient that is pushed to, its HTTPS endpoint; empty for pull only
   * @param clientCertificate the gateway's TLS client certificate (with its chain) for pushing
   * @param trustAnchors the roots the endpoints' server certificates must chain to
   * @param batchSize the most records one delivery holds
   * @param requestTimeout how long one delivery may take before it counts as failed
   * @param pollInterval how often an idle stream looks for new records
   * @param retry the backoff between failed attempts
   * @param recordTtl records not delivered within this after they were received are dead-lettered
   * @param circuitFailures consecutive failed attempts that open a recipient's circuit
   * @param circuitOpen how long an open circuit refuses attempts before one trial
   * @param lease how long an instance's lease of a push stream lasts unless renewed: how long a
   *     stream waits for another instance to take it over after its holder died
   */
  public record Push(
      Map<String, URI> endpoints,
      Path clientCertificate,
      Path clientPrivateKey,
      List<Path> trustAnchors,
      int batchSize,
      Duration requestTimeout,
      Duration pollInterval,
      RetryPolicy retry,
      Duration recordTtl,
      int circuitFailures,
      Duration circuitOpen,
      Duration lease) {}
}
