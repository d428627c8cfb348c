package org.parcelgate.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.parcelgate.auth.CaffeineReplayGuard;
import org.parcelgate.auth.ClientCertificateHandler;
import org.parcelgate.auth.LayeredReplayGuard;
import org.parcelgate.auth.Partner;
import org.parcelgate.auth.PartnerRegistry;
import org.parcelgate.auth.PartnerRegistryParser;
import org.parcelgate.auth.ReplayGuard;
import org.parcelgate.auth.RequestTokenHandler;
import org.parcelgate.auth.RequestTokenVerifier;
import org.parcelgate.config.GatewayConfig;
import org.parcelgate.delivery.CommittedCopies;
import org.parcelgate.delivery.Feeds;
import org.parcelgate.delivery.PushClient;
import org.parcelgate.delivery.Pusher;
import org.parcelgate.delivery.RecipientFeed;
import org.parcelgate.delivery.RiskAssessor;
import org.parcelgate.http.BatchEndpoints;
import org.parcelgate.http.CustomsEndpoints;
import org.parcelgate.http.Lifecycle;
import org.parcelgate.http.OpsRouter;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.http.PrivacyEndpoints;
import org.parcelgate.http.RiskBandEndpoints;
import org.parcelgate.http.SchemaEndpoints;
import org.parcelgate.ingest.AvroLimits;
import org.parcelgate.ingest.IngestService;
import org.parcelgate.ingest.WriterSchemas;
import org.parcelgate.logging.Logging;
import org.parcelgate.metrics.BuildInfo;
import org.parcelgate.metrics.GatewayMetrics;
import org.parcelgate.privacy.Minimizer;
import org.parcelgate.privacy.PrivacyLogs;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.privacy.Retention;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.protocol.Digests;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.ReferenceData;
import org.parcelgate.risk.RiskEngine;
import org.parcelgate.risk.RiskSettings;
import org.parcelgate.signing.GatewaySigner;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.store.CommitListener;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.LogName;
import org.parcelgate.store.PostgresStore;
import org.parcelgate.tls.CertificateRecheckHandler;
import org.parcelgate.tls.CrlSet;
import org.parcelgate.tls.PartnerServerOptions;
import org.parcelgate.tls.PartnerTrustManager;
import org.parcelgate.tls.PemFiles;
import org.parcelgate.witness.WitnessSubmitter;
import org.parcelgate.workers.WorkerKind;
import org.parcelgate.workers.WorkerPool;
import org.parcelgate.workers.WorkerPools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the partner port, the ops port and the reloaders behind them. {@link #start}
 * wires the parts from a typed configuration; {@link #stop} drains in-flight requests before it
 * closes anything.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  /** Vert.x's shared random ports, one per gateway started in this JVM (see deployPartnerApi). */
  private static final java.util.concurrent.atomic.AtomicInteger RANDOM_PORTS =
      new java.util.concurrent.atomic.AtomicInteger();

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Lifecycle lifecycle;
  private final Reloader<PartnerRegistry> registry;
  private final Reloader<CrlSet> crls;
  private final GatewayStore store;
  private final WorkerPools workers;
  private io.vertx.ext.web.Router partnerRouter;
  private StoreMaintenance maintenance;
  private WitnessSubmitter witnessing;
  private RetentionTimer retention;

  /** How long a witness may take to answer a submission. */
  private static final Duration WITNESS_TIMEOUT = Duration.ofSeconds(10);

  private Pusher pusher;
  private RiskAssessor assessor;
  private Feeds feeds;
  private final List<String> partnerDeployments = new ArrayList<>();
  private String opsDeployment;
  private String pushDeployment;
  private int partnerPort;
  private int opsPort;

  /** Per recipient, the policy in force: id, version and hash, for operators. */
  private final JsonObject policies = new JsonObject();

  private Gateway(
      Vertx vertx,
      GatewayConfig config,
      Lifecycle lifecycle,
      Reloader<PartnerRegistry> registry,
      Reloader<CrlSet> crls,
      GatewayStore store,
      WorkerPools workers) {
    this.vertx = vertx;
    this.workers = workers;
    this.config = config;
    this.lifecycle = lifecycle;
    this.registry = registry;
    this.crls = crls;
    this.store = store;
  }

  /**
   * Loads keys, certificates, CRLs and the registry (on workers), then opens both ports. Fails,
   * with everything closed again, if any part cannot start; the failure's message names the part.
   */
  public static Future<Gateway> start(
      Vertx vertx, GatewayConfig config, PrometheusMeterRegistry meterRegistry, Clock clock) {
    return start(vertx, config, meterRegistry, clock, RiskEngine::create);
  }

  /**
   * As {@link #start(Vertx, GatewayConfig, PrometheusMeterRegistry, Clock)}, with the risk engine
   * made by {@code engines} from the risk settings and the reference tables (loaded at start, so a
   * bad table fails the start): for tests that assess with detectors of their own.
   */
  public static Future<Gateway> start(
      Vertx vertx,
      GatewayConfig config,
      PrometheusMeterRegistry meterRegistry,
      Clock clock,
      BiFunction<RiskSettings, ReferenceData, RiskEngine> engines) {
    Logging.use(config.log().format());
    GatewayMetrics metrics = new GatewayMetrics(meterRegistry, clock, BuildInfo.current());
    BlockedThreads.count(vertx, metrics);
    Lifecycle lifecycle = new Lifecycle();
    WorkerPools workers = WorkerPools.create(vertx, config.workers(), metrics::workerRefused);
    metrics.workers(workers.all());
    WorkerPool loading = workers.get(WorkerKind.MAINTENANCE);
    WriterSchemas schemas;
    try {
      GatewayConfig.Ingest ingest = config.ingest();
      // Before anything decodes Avro: its limits are read once, when its classes load.
      AvroLimits.apply(
          ingest.maxStringBytes(),
          ingest.maxBytesLength(),
          ingest.maxCollectionItems(),
          ingest.limits().maxDecompressedBytes());
      schemas = WriterSchemas.shipped();
    } catch (RuntimeException e) {
      return workers
          .close()
          .transform(
              closed ->
                  Future.failedFuture(new StartupException("cannot set up batch decoding", e)));
    }
    GatewayConfig.Store storeConfig = config.store();
    // The assessor, once made, hears of every commit of the store's writer.
    AtomicReference<Runnable> committed = new AtomicReference<>(() -> {});
    CommitListener commits = metrics.storeCommits();
    CommitListener listener =
        new CommitListener() {
          @Override
          public void committed(int writes) {
            commits.committed(writes);
            committed.get().run();
          }

          @Override
          public void heldOrder(long nanos) {
            commits.heldOrder(nanos);
          }
        };
    Future<GatewayStore> store = loading.submit(() -> openStore(storeConfig, clock, listener));
    RiskSettings riskSettings = config.risk();
    Future<Optional<RiskEngine>> riskEngine =
        riskSettings.enabled()
            ? loading.submit(
                () ->
                    Optional.of(
                        engines.apply(
                            riskSettings, ReferenceData.load(riskSettings.referenceDirectory()))))
            : Future.succeededFuture(Optional.empty());
    Future<List<X509Certificate>> anchors =
        loading.submit(() -> PemFiles.certificates(config.tls().trustAnchors()));
    Future<RecipientPolicies> recipients = loading.submit(() -> recipients(config.privacy()));
    Future<GatewaySigningKeys> signingKeys =
        loading.submit(
            () ->
                GatewaySigningKeys.load(config.signing().keyFile(), config.signing().activeKid()));
    Future<Optional<String>> pushThumbprint =
        loading.submit(() -> pushThumbprint(config.delivery().push()));
    Reloader<PartnerRegistry> registry =
        new Reloader<>(
                vertx,
                loading,
                "partner registry " + config.registry().file(),
                List.of(config.registry().file()),
                contents -> PartnerRegistryParser.parse(contents.get(0)),
                metrics::registryReload)
            .onLoaded(
                loaded ->
                    metrics.partners(
                        loaded.partners().stream()
                            .collect(
                                Collectors.toMap(Partner::id, Partner::certificateThumbprints))));
    Future<X509Certificate> serverCertificate =
        loading.submit(() -> PemFiles.firstCertificate(config.tls().certificate()));
    return Future.join(
            List.of(
                anchors,
                signingKeys,
                registry.reload(),
                store,
                recipients,
                pushThumbprint,
                serverCertificate,
                riskEngine))
        .recover(
            failure ->
                closeQuietly(loading, store)
                    .eventually(workers::close)
                    .transform(
                        closed ->
                            Future.failedFuture(
                                new StartupException(
                                    "cannot load keys, certificates, registry, store, privacy"
                                        + " policies or risk reference tables",
                                    failure))))
        .compose(
            loaded -> {
              Reloader<CrlSet> crls =
                  new Reloader<>(
                          vertx,
                          loading,
                          "CRLs " + config.tls().crls(),
                          config.tls().crls(),
                          contents -> CrlSet.parse(contents, anchors.result()),
                          success -> {})
                      .onLoaded(set -> metrics.crls(set.all()));
              metrics.serverCertificate(serverCertificate.result());
              Gateway gateway =
                  new Gateway(vertx, config, lifecycle, registry, crls, store.result(), workers);
              List<RecipientFeed> feeds =
                  recipients.result().minimizers().stream().map(RecipientFeed::new).toList();
              if (riskEngine.result().isPresent()) {
                gateway.assessor =
                    new RiskAssessor(
                        store.result(),
                        riskEngine.result().get(),
                        feeds.stream().map(RecipientFeed::recipient).toList(),
                        clock,
                        riskListener(metrics));
                committed.set(gateway.assessor::wake);
                gateway.assessor.start();
              }
              // A pull waits for the assessor at most the store's deadline (docs/storage.md).
              Feeds feedReader =
                  new Feeds(store.result(), feeds, gateway.assessor, storeConfig.timeout());
              return crls.reload()
                  .recover(
                      failure ->
                          Future.failedFuture(new StartupException("tls.crls refused", failure)))
                  .compose(
                      done ->
                          loading.submit(
                              () -> {
                                feedReader.registerSchemas();
                                return null;
                              }))
                  .compose(
                      done ->
                          gateway.listen(
                              metrics,
                              meterRegistry,
                              anchors.result(),
                              signingKeys.result(),
                              schemas,
                              recipients.result(),
                              feeds,
                              feedReader,
                              pushThumbprint.result(),
                              clock))
                  .recover(
                      failure ->
                          gateway.closeServers().transform(closed -> Future.failedFuture(failure)));
            });
  }

  private Future<Gateway> listen(
      GatewayMetrics metrics,
      PrometheusMeterRegistry meterRegistry,
      List<X509Certificate> anchors,
      GatewaySigningKeys signingKeys,
      WriterSchemas schemas,
      RecipientPolicies recipients,
      List<RecipientFeed> recipientFeeds,
      Feeds feeds,
      Optional<String> pushThumbprint,
      Clock clock) {
    this.feeds = feeds;
    for (Minimizer minimizer : recipients.minimizers()) {
      policies.put(
          minimizer.recipient(),
          new JsonObject()
              .put("policy", minimizer.policy().id())
              .put("version", minimizer.policy().version())
              .put("sha256", minimizer.policy().sha256())
              .put("keyVersion", minimizer.keyVersion())
              .put(
                  "retention",
                  minimizer.policy().retention().map(r -> r.period().toString()).orElse(null))
              .put(
                  "destinations",
                  config.delivery().destinations().get(minimizer.recipient()).toString())
              .put(
                  "delivery",
                  config.delivery().push().endpoints().containsKey(minimizer.recipient())
                      ? "push and pull"
                      : "pull"));
    }
    PartnerTrustManager trustManager =
        new PartnerTrustManager(
            anchors, crls, config.tls().allowStaleCrl(), clock, metrics::tlsRejected);
    CaffeineReplayGuard recent = new CaffeineReplayGuard(config.token().replayCacheSize(), clock);
    metrics.replayGuard(recent);
    ReplayGuard replayGuard = new LayeredReplayGuard(recent, store::firstUse);
    lifecycle.requireStore(store.health()::available);
    metrics.storeUnavailable(() -> !store.health().available());
    metrics.followerLag(store::followerLag);
    if (assessor != null) {
      metrics.riskLag(assessor::lag);
      metrics.riskSplitGroups(store::riskSplitGroupsIndexed);
    }
    GatewaySigner signer = new GatewaySigner(signingKeys, config.gatewayId());
    IngestService ingest =
        IngestPipeline.service(
            config,
            schemas,
            store,
            recipients,
            recipientFeeds,
            signer,
            clock,
            assessor == null ? CommittedCopies.NONE : assessor);
    GatewayConfig.Push push = config.delivery().push();
    if (pushThumbprint.isPresent()) {
      java.security.SecureRandom random = new java.security.SecureRandom();
      pusher =
          new Pusher(
              vertx,
              workers.get(WorkerKind.DELIVERY),
              store,
              feeds,
              new PushClient(
                  vertx,
                  push.clientCertificate(),
                  push.clientPrivateKey(),
                  push.trustAnchors(),
                  pushThumbprint.get(),
                  signer,
                  push.requestTimeout(),
                  clock),
              new Pusher.Settings(
                  push.endpoints(),
                  push.batchSize(),
                  push.pollInterval(),
                  push.retry(),
                  push.recordTtl(),
                  push.circuitFailures(),
                  push.circuitOpen(),
                  push.lease()),
              metrics,
              clock,
              random,
              config.gatewayId(),
              Pusher.leaseHolder(config.gatewayId(), config.store().server().isPresent(), random));
    }
    PrivacyLogs privacyLogs =
        PrivacyLogs.create(
            store,
            signingKeys,
            config.gatewayId(),
            new CheckpointVerifier(signingKeys.publishedKeys()),
            clock);
    // What witnesses and monitors check the logs' checkpoint notes with (docs/privacy.md).
    LOG.info(
        "log checkpoint note keys: minimization {}, access {}",
        privacyLogs.minimization().noteKey(),
        privacyLogs.access().noteKey());
    RequestTokenVerifier verifier =
        new RequestTokenVerifier(config.token().policy(), replayGuard, clock);
    GatewayConfig.PartnerApi api = config.partnerApi();
    HttpServerOptions partnerOptions =
        PartnerServerOptions.create(
            api.host(),
            api.port(),
            config.tls().certificate(),
            config.tls().privateKey(),
            trustManager,
            config.tls().protocols(),
            api.idleTimeout(),
            api.handshakeTimeout());
    PartnerApiRouter.Shared shared =
        PartnerApiRouter.shared(
            new PartnerApiRouter.Limits(
                api.bodyLimitBytes(),
                api.bodyMemoryBudget(),
                api.bodyTimeout(),
                api.maxRequestsInFlightPerPartner()),
            metrics);
    CertificateRecheckHandler recheck = new CertificateRecheckHandler(trustManager);
    ClientCertificateHandler certificates = new ClientCertificateHandler(registry);
    RequestTokenHandler tokens = new RequestTokenHandler(verifier, workers.get(WorkerKind.AUTH));
    BatchEndpoints batches = new BatchEndpoints(ingest, metrics, workers.get(WorkerKind.INGEST));
    SchemaEndpoints schemaEndpoints = new SchemaEndpoints(schemas);
    PrivacyEndpoints privacy = new PrivacyEndpoints(privacyLogs, workers.get(WorkerKind.PRIVACY));
    CustomsEndpoints customs =
        new CustomsEndpoints(
            feeds, signer, config.delivery().maxPageSize(), clock, workers.get(WorkerKind.FEEDS));
    RiskBandEndpoints riskBands =
        new RiskBandEndpoints(feeds, store, clock, workers.get(WorkerKind.FEEDS));
    Function<Vertx, Router> partnerRouters =
        instanceVertx ->
            partnerRouter =
                PartnerApiRouter.create(
                    instanceVertx,
                    lifecycle,
                    metrics,
                    shared,
                    recheck,
                    certificates,
                    tokens,
                    signingKeys,
                    batches,
                    schemaEndpoints,
                    privacy,
                    customs,
                    riskBands);
    HttpServerOptions opsOptions =
        new HttpServerOptions().setHost(config.ops().host()).setPort(config.ops().port());
    WorkerPool maintenancePool = workers.get(WorkerKind.MAINTENANCE);
    return deployOps(
            opsOptions,
            instanceVertx ->
                OpsRouter.create(
                    instanceVertx,
                    lifecycle,
                    meterRegistry,
                    this::status,
                    new OperatorCommands(registry, crls, pusher, store, maintenancePool),
                    maintenancePool,
                    config.ops().admin()))
        .compose(
            ops ->
                deployPartnerApi(
                    partnerOptions,
                    api.instances(),
                    partnerRouters,
                    metrics,
                    api.headerTimeout(),
                    api.shutdownGrace()))
        .recover(
            failure -> Future.failedFuture(new StartupException("cannot open the ports", failure)))
        .compose(
            listening ->
                pusher == null
                    ? Future.succeededFuture()
                    : vertx
                        .deployVerticle(new PushVerticle(pusher))
                        .onSuccess(id -> pushDeployment = id))
        .map(
            deployed -> {
              registry.watch(config.registry().reloadInterval());
              crls.watch(config.tls().reloadInterval());
              maintenance = new StoreMaintenance(vertx, maintenancePool, store, clock);
              maintenance.start(config.store().purgeInterval(), config.store().probeInterval());
              witnessing =
                  new WitnessSubmitter(
                      vertx,
                      List.of(privacyLogs.minimization(), privacyLogs.access()),
                      config.privacy().witnesses(),
                      workers.get(WorkerKind.PRIVACY),
                      config.privacy().witnessInterval(),
                      WITNESS_TIMEOUT,
                      metrics::witnessSubmission);
              metrics.witnesses(
                  List.of(LogName.MINIMIZATION.wireName(), LogName.ACCESS.wireName()),
                  config.privacy().witnesses().stream().map(w -> w.key().name()).toList());
              witnessing.start();
              retention =
                  new RetentionTimer(
                      vertx,
                      workers.get(WorkerKind.PRIVACY),
                      store,
                      new Retention(
                          store,
                          recipients,
                          config.delivery().push().endpoints().keySet(),
                          assessor != null,
                          clock,
                          metrics::retentionPurged));
              retention.start(config.privacy().retentionInterval());
              lifecycle.ready();
              LOG.info(
                  "gateway {} ready: partner API https://{}:{} ({} instances), ops http://{}:{},"
                      + " {} partners, admin commands {}",
                  config.gatewayId(),
                  api.host(),
                  partnerPort(),
                  partnerDeployments.isEmpty() ? 0 : api.instances(),
                  config.ops().host(),
                  opsPort(),
                  registry.get().size(),
                  config.ops().admin().map(a -> "for " + a.names()).orElse("disabled"));
              return this;
            });
  }

  private Future<Void> deployOps(HttpServerOptions options, Function<Vertx, Router> router) {
    OpsVerticle ops = new OpsVerticle(options, router);
    return bindFailureNamed(
        vertx
            .deployVerticle(ops)
            .map(
                id -> {
                  opsDeployment = id;
                  opsPort = ops.port();
                  return null;
                }),
        "ops.port",
        options);
  }

  /**
   * A port that cannot be bound (in use, or not allowed) named by its setting and address, so that
   * the operator knows which: "ops.port: cannot listen on 127.0.0.1:9090: Address already in use".
   */
  private static Future<Void> bindFailureNamed(
      Future<Void> listening, String setting, HttpServerOptions options) {
    return listening.recover(
        failure ->
            Future.failedFuture(
                bindFailure(failure)
                    ? new StartupException(
                        setting
                            + ": cannot listen on "
                            + options.getHost()
                            + ":"
                            + options.getPort(),
                        failure)
                    : failure));
  }

  /** A bind failure, from the JDK or from Netty's native transport (an IOException there). */
  private static boolean bindFailure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.BindException
          || String.valueOf(cause.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Deploys the partner port's instances. They all listen on one port: Vert.x binds it once and
   * hands each accepted connection to one instance's event loop in turn. A port configured as 0
   * becomes a negative port, Vert.x's "random port shared by the servers that name the same
   * negative number"; each gateway of the JVM takes its own number.
   */
  private Future<Void> deployPartnerApi(
      HttpServerOptions options,
      int instances,
      Function<Vertx, Router> routers,
      GatewayMetrics metrics,
      java.time.Duration headerTimeout,
      java.time.Duration grace) {
    HttpServerOptions shared = new HttpServerOptions(options);
    if (shared.getPort() == 0) {
      shared.setPort(-RANDOM_PORTS.incrementAndGet());
    }
    List<PartnerApiVerticle> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    return bindFailureNamed(
        vertx
            .deployVerticle(
                () -> {
                  PartnerApiVerticle instance =
                      new PartnerApiVerticle(shared, routers, metrics, headerTimeout, grace);
                  started.add(instance);
                  return instance;
                },
                new DeploymentOptions().setInstances(instances))
            .map(
                id -> {
                  partnerDeployments.add(id);
                  partnerPort = started.get(0).port();
                  return null;
                }),
        "partner-api.port",
        options);
  }

  private JsonObject status() {
    PartnerRegistry current = registry.get();
    return new JsonObject()
        .put("partners", current.size())
        .put("registrySha256", current.contentHash())
        .put("crls", crls.get().size())
        .put("policies", policies)
        .put("store", storeStatus());
  }

  /** The store's state for readiness: fixed words and the engine's code, no data. */
  private JsonObject storeStatus() {
    return store
        .health()
        .outage()
        .map(
            outage ->
                new JsonObject()
                    .put("status", "unavailable")
                    .put("reason", outage.fault().kind().wireName())
                    .put("code", outage.fault().code())
                    .put("detail", outage.fault().kind().explanation())
                    .put("since", outage.since().toString()))
        .orElseGet(() -> new JsonObject().put("status", "available"));
  }

  /**
   * Reads the pseudonym keys and every recipient's policy, and compiles each policy against the
   * transaction schema: a policy that does not fit stops the start.
   */
  private static RecipientPolicies recipients(GatewayConfig.Privacy privacy) throws IOException {
    RecipientPolicies recipients = IngestPipeline.recipients(privacy);
    if (recipients.minimizers().isEmpty()) {
      LOG.warn(
          "no recipients of minimized records are configured: batches are stored without any"
              + " copy of their records");
    }
    for (Minimizer minimizer : recipients.minimizers()) {
      LOG.info(
          "recipient {}: policy {} version {} (sha256 {}), pseudonym key version {}; dropped by"
              + " default: {}",
          minimizer.recipient(),
          minimizer.policy().id(),
          minimizer.policy().version(),
          minimizer.policy().sha256(),
          minimizer.keyVersion(),
          minimizer.droppedByDefault().isEmpty() ? "none" : minimizer.droppedByDefault());
    }
    return recipients;
  }

  /** The thumbprint of the push client certificate; empty when no recipient is pushed to. */
  static Optional<String> pushThumbprint(GatewayConfig.Push push) throws IOException {
    if (push.endpoints().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Digests.thumbprint(PemFiles.firstCertificate(push.clientCertificate())));
  }

  /**
   * The store the configuration names: the embedded store in its data directory, or the PostgreSQL
   * database the instances of a cluster share. Blocking.
   */
  public static GatewayStore openStore(
      GatewayConfig.Store config, Clock clock, CommitListener listener) {
    EmbeddedStore.Settings settings =
        new EmbeddedStore.Settings(
            config.timeout(), config.probeInterval(), config.maxWritesPerCommit());
    if (config.server().isEmpty()) {
      return EmbeddedStore.open(config.dataDirectory(), clock, settings, listener);
    }
    GatewayConfig.Database database = config.server().get();
    char[] password =
        new String(database.password().bytes(), java.nio.charset.StandardCharsets.UTF_8)
            .toCharArray();
    return PostgresStore.open(
        new PostgresStore.Server(database.url(), database.user(), password, database.readers()),
        clock,
        settings,
        listener);
  }

  public int partnerPort() {
    return partnerPort;
  }

  public int opsPort() {
    return opsPort;
  }

  /** The endpoints the partner port serves ({@link PartnerApiRouter#endpoints}). */
  public java.util.SortedSet<String> partnerEndpoints() {
    return PartnerApiRouter.endpoints(partnerRouter);
  }

  /** The feeds as pulls read them, for tests that look at assessments in process. */
  Feeds feeds() {
    return feeds;
  }

  /** The worker pools, for tests that fill one. */
  WorkerPools workers() {
    return workers;
  }

  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /**
   * Graceful stop: readiness turns to draining, new requests are refused with {@code
   * shutting_down}, the partner port stops accepting connections, in-flight requests get up to
   * {@code partner-api.shutdown-grace} to finish; then the ops port closes.
   */
  public Future<Void> stop() {
    lifecycle.drain();
    registry.stop();
    crls.stop();
    LOG.info("gateway {} draining", config.gatewayId());
    cancelTimers();
    return undeploy(partnerDeployments)
        .eventually(() -> undeploy(pushDeployment))
        .eventually(() -> undeploy(opsDeployment))
        .eventually(this::closeStoreAndPools)
        .onComplete(done -> LOG.info("gateway {} stopped", config.gatewayId()));
  }

  private void cancelTimers() {
    if (maintenance != null) {
      maintenance.stop();
    }
    if (witnessing != null) {
      witnessing.stop();
    }
    if (retention != null) {
      retention.stop();
    }
  }

  /** Undeploys the partner port's instances together: each drains its own connections. */
  private Future<Void> undeploy(List<String> deployments) {
    List<Future<Void>> undeployed = new ArrayList<>();
    deployments.forEach(id -> undeployed.add(vertx.undeploy(id)));
    deployments.clear();
    return Future.join(undeployed).mapEmpty();
  }

  private Future<Void> undeploy(String deployment) {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }

  /** The risk assessor's work, counted in the metrics. */
  private static RiskAssessor.Listener riskListener(GatewayMetrics metrics) {
    return new RiskAssessor.Listener() {
      @Override
      public void assessed(int records, List<Finding> findings) {
        metrics.riskAssessed(records, findings);
      }

      @Override
      public void replayed(int records) {
        metrics.riskReplayed(records);
      }

      @Override
      public void checkpointed(int values) {
        metrics.riskCheckpointed(values);
      }

      @Override
      public void readBack(int records) {
        metrics.riskReadBack(records);
      }
    };
  }

  private Future<Void> closeStoreAndPools() {
    RiskAssessor stopping = assessor;
    return workers
        .get(WorkerKind.MAINTENANCE)
        .submit(
            () -> {
              if (stopping != null) {
                stopping.close();
              }
              return closeStore(store);
            })
        .<Void>mapEmpty()
        .eventually(workers::close);
  }

  private static Void closeStore(GatewayStore store) {
    store.close();
    return null;
  }

  private static Future<Void> closeQuietly(WorkerPool workers, Future<GatewayStore> store) {
    if (store.succeeded()) {
      return workers.submit(() -> closeStore(store.result())).mapEmpty();
    }
    return Future.succeededFuture();
  }

  private Future<Void> closeServers() {
    registry.stop();
    crls.stop();
    cancelTimers();
    Future<Void> partner = undeploy(partnerDeployments);
    Future<Void> ops = undeploy(opsDeployment);
    Future<Void> pushes = undeploy(pushDeployment);
    return Future.join(partner, ops, pushes).eventually(this::closeStoreAndPools).mapEmpty();
  }
}
