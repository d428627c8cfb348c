package org.parcelgate.config;

import com.nimbusds.jose.JWSAlgorithm;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.config.yaml.YamlProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.parcelgate.auth.TokenPolicy;
import org.parcelgate.delivery.Routing;
import org.parcelgate.ingest.IngestLimits;
import org.parcelgate.logging.LogFormat;
import org.parcelgate.privacy.PseudonymKeys;
import org.parcelgate.protocol.RetryPolicy;
import org.parcelgate.protocol.SignatureAlgorithms;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.risk.RiskSettings;
import org.parcelgate.store.PostgresStore;
import org.parcelgate.tls.PartnerServerOptions;
import org.parcelgate.validation.ValidationPolicy;
import org.parcelgate.workers.WorkerKind;
import org.parcelgate.workers.WorkerPools;

/**
 * Loads the configuration: the embedded defaults, then the optional configuration file, then {@code
 * PARCELGATE_*} environment variables; validates every value and fails with a {@link
 * ConfigException} naming the key.
 */
public final class ConfigLoader {
  /** The environment variable holding the PostgreSQL store's password. */
  public static final String STORE_PASSWORD_VARIABLE = "PARCELGATE_STORE_PASSWORD";

  /** The environment variable naming the configuration file, when {@code --config} is not given. */
  public static final String CONFIG_FILE_VARIABLE = "PARCELGATE_CONFIG";

  /**
   * The configuration file a start uses: the one given on the command line, else {@value
   * #CONFIG_FILE_VARIABLE}'s; empty for the embedded defaults.
   */
  public static Optional<Path> configFile(Optional<Path> given, Map<String, String> environment) {
    return given.or(() -> Optional.ofNullable(environment.get(CONFIG_FILE_VARIABLE)).map(Path::of));
  }

  private static final String DEFAULTS = "org/parcelgate/config/defaults.yaml";
  private static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
  private static final Duration DAY = Duration.ofDays(1);
  private static final Pattern RECIPIENT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final String BUILTIN = "builtin:";
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  private static final Pattern LOG_FORMAT = Pattern.compile("text|json");

  private ConfigLoader() {}

  /**
   * Reads and binds the configuration; the file reads run on a worker thread inside the config
   * retriever.
   *
   * <p>The embedded defaults are read from the class path here, not by the retriever's file store:
   * Vert.x's file resolver would first copy resources out of the jar into its cache directory,
   * which took seconds of a start.
   */
  public static Future<GatewayConfig> load(
      Vertx vertx, Optional<Path> file, Map<String, String> environment) {
    if (file.isPresent() && !Files.isRegularFile(file.get())) {
      return Future.failedFuture(
          new ConfigException("--config", "file does not exist: " + file.get()));
    }
    return vertx
        .executeBlocking(ConfigLoader::defaultsYaml)
        .compose(yaml -> new YamlProcessor().process(vertx, new JsonObject(), yaml))
        .recover(
            failure ->
                Future.failedFuture(
                    new ConfigException(
                        DEFAULTS, "cannot be read as YAML: " + failure.getMessage())))
        .compose(
            defaults ->
                vertx
                    .executeBlocking(() -> file.filter(ConfigLoader::setsAnything))
                    .compose(settings -> retrieve(vertx, defaults, settings)))
        .compose(json -> vertx.executeBlocking(() -> bind(json, environment)));
  }

  private static Future<JsonObject> retrieve(
      Vertx vertx, JsonObject defaults, Optional<Path> file) {
    ConfigRetrieverOptions options =
        new ConfigRetrieverOptions()
            .setIncludeDefaultStores(false)
            .setScanPeriod(-1)
            .addStore(new ConfigStoreOptions().setType("json").setConfig(defaults));
    file.ifPresent(path -> options.addStore(yamlStore(path.toString())));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever
        .getConfig()
        .eventually(retriever::close)
        .recover(
            failure ->
                Future.failedFuture(
                    new ConfigException(
                        file.map(Path::toString).orElse(DEFAULTS),
                        "cannot be read as YAML: " + failure.getMessage())));
  }

  /**
   * Whether a configuration file holds more than comments: the template of the distribution
   * (conf/parcelgate.yaml, every line commented out) sets nothing, where the YAML store would fail
   * on its empty document.
   */
  private static boolean setsAnything(Path file) {
    try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.map(String::strip).anyMatch(line -> !line.isEmpty() && !line.startsWith("#"));
    } catch (IOException | java.io.UncheckedIOException e) {
      return true; // the YAML store reports why it cannot be read
    }
  }

  private static Buffer defaultsYaml() throws IOException {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IOException("the jar lacks " + DEFAULTS);
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }

  private static ConfigStoreOptions yamlStore(String path) {
    return new ConfigStoreOptions()
        .setType("file")
        .setFormat("yaml")
        .setConfig(new JsonObject().put("path", path));
  }

  /** Binds an already merged tree; visible for tests of the validation rules. */
  static GatewayConfig bind(JsonObject merged, Map<String, String> environment) {
    ConfigTree tree = ConfigTree.of(plain(merged));
    tree.applyEnvironment(
        environment,
        Set.of(CONFIG_FILE_VARIABLE, PseudonymKeys.ENVIRONMENT_VARIABLE, STORE_PASSWORD_VARIABLE));

    String gatewayId =
        tree.nonEmptyString(
            "gateway.id", GATEWAY_ID, "1 to 128 characters of letters, digits and ._:/-");
    GatewayConfig.PartnerApi partnerApi = partnerApi(tree, Runtime.getRuntime().maxMemory());
    GatewayConfig.Ops ops =
        new GatewayConfig.Ops(
            tree.nonEmptyString("ops.host", HOST, "a host name or IP address"),
            tree.integer("ops.port", 0, 65535),
            operators(tree));
    GatewayConfig.Tls tls = tls(tree);
    GatewayConfig.Registry registry =
        new GatewayConfig.Registry(
            tree.readableFile("registry.file"),
            tree.duration("registry.reload-interval", Duration.ofMillis(100), DAY));
    GatewayConfig.Token token = token(tree, gatewayId);
    String activeKid = tree.string("signing.active-kid");
    GatewayConfig.Signing signing =
        new GatewayConfig.Signing(
            tree.readableFile("signing.key-file"),
            activeKid.isEmpty() ? Optional.empty() : Optional.of(activeKid));

    GatewayConfig.Store store =
        new GatewayConfig.Store(
            Path.of(
                tree.nonEmptyString("store.data-directory", Pattern.compile(".+"), "a directory")),
            tree.duration("store.purge-interval", Duration.ofSeconds(1), DAY),
            tree.duration("store.timeout", Duration.ofMillis(100), Duration.ofMinutes(5)),
            tree.duration("store.probe-interval", Duration.ofMillis(100), Duration.ofHours(1)),
            tree.integer("store.max-writes-per-commit", 1, 256),
            database(tree, environment));
    GatewayConfig.Ingest ingest =
        new GatewayConfig.Ingest(
            new IngestLimits(
                tree.integer("ingest.max-records", 1, 1_000_000),
                tree.integer("ingest.max-decompressed-bytes", 1024, Integer.MAX_VALUE)),
            tree.integer("ingest.max-string-bytes", 64, 16 * 1024 * 1024),
            tree.integer("ingest.max-bytes-length", 64, 64 * 1024 * 1024),
            tree.integer("ingest.max-collection-items", 1, 10_000_000));
    ValidationPolicy defaults = ValidationPolicy.defaults();
    ValidationPolicy validation =
        new ValidationPolicy(
            tree.duration("validation.clock-skew", Duration.ZERO, Duration.ofHours(1)),
            tree.duration("validation.max-order-age", Duration.ofDays(1), Duration.ofDays(3660)),
            defaults.genericDescriptions());

    RiskSettings risk = risk(tree);
    GatewayConfig.Privacy privacy = privacy(tree, environment);
    GatewayConfig.Delivery delivery = delivery(tree, privacy);

    if (partnerApi.port() != 0 && partnerApi.port() == ops.port()) {
      throw new ConfigException("ops.port", "must differ from partner-api.port");
    }
    WorkerPools.Settings workers = workers(tree);
    GatewayConfig.Log log =
        new GatewayConfig.Log(
            LogFormat.of(tree.nonEmptyString("log.format", LOG_FORMAT, "text or json")));
    tree.requireAllRead();
    return new GatewayConfig(
        gatewayId,
        partnerApi,
        ops,
        tls,
        registry,
        token,
        signing,
        store,
        ingest,
        validation,
        risk,
        privacy,
        delivery,
        workers,
        log);
  }

  /** The risk assessment ({@code risk.*}). */
  static RiskSettings risk(ConfigTree tree) {
    String directory = tree.string("risk.reference-directory");
    Optional<Path> referenceDirectory = Optional.empty();
    if (!directory.isEmpty()) {
      Path path = Path.of(directory);
      if (!Files.isDirectory(path) || !Files.isReadable(path)) {
        throw new ConfigException("risk.reference-directory", "must be a readable directory");
      }
      referenceDirectory = Optional.of(path);
    }
    return new RiskSettings(
        tree.bool("risk.enabled"),
        referenceDirectory,
        tree.integer("risk.threshold-eur", 1, 1_000_000) * 100L,
        new RiskSettings.Undervaluation(
            tree.integer("risk.undervaluation.min-band-records", 1, 1_000_000),
            tree.integer("risk.undervaluation.flag-below-deviations", 1, 20)),
        new RiskSettings.Split(
            tree.duration("risk.split.window", Duration.ofMinutes(1), Duration.ofDays(31)),
            tree.integer("risk.split.min-parcels", 2, 1000),
            tree.integer("risk.split.bunching-margin-percent", 1, 50),
            tree.integer("risk.split.bunching-min-parcels", 1, 1_000_000),
            tree.integer("risk.split.bunching-min-share-percent", 1, 100)),
        new RiskSettings.ThreeWayMatch(
            tree.duration(
                "risk.three-way-match.late-payment", Duration.ofHours(1), Duration.ofDays(400))),
        new RiskSettings.Revenue(tree.integer("risk.revenue.tolerance-eur-cents", 0, 1_000_000)));
  }

  /**
   * The operators of the ops port's admin commands: none (admin disabled) when {@value
   * OperatorTokens#KEY} is empty, else the file's, which must be readable and well formed.
   */
  private static Optional<OperatorTokens> operators(ConfigTree tree) {
    String file = tree.string(OperatorTokens.KEY);
    return file.isEmpty() ? Optional.empty() : Optional.of(OperatorTokens.read(Path.of(file)));
  }

  /**
   * The worker pools, one per kind of work. {@code partner-api.instances} and every pool's {@code
   * threads} take {@code 0} for "one per core".
   */
  static WorkerPools.Settings workers(ConfigTree tree) {
    Map<WorkerKind, WorkerPools.Size> sizes = new EnumMap<>(WorkerKind.class);
    for (WorkerKind kind : WorkerKind.values()) {
      String prefix = "workers." + kind.wireName() + ".";
      sizes.put(
          kind,
          new WorkerPools.Size(
              perCore(tree.integer(prefix + "threads", 0, 1024)),
              tree.integer(prefix + "queue", 0, 1_000_000)));
    }
    return new WorkerPools.Settings(
        sizes,
        tree.duration("workers.retry-after", Duration.ofSeconds(1), Duration.ofHours(1)),
        tree.duration("workers.max-execute-time", Duration.ofSeconds(1), DAY));
  }

  /** {@code 0} means one per core. */
  private static int perCore(int configured) {
    return configured == 0 ? Runtime.getRuntime().availableProcessors() : configured;
  }

  /**
   * The partner port. The body memory budget is a number of bytes or a share of the maximum heap
   * ({@code 25%}); it must hold at least one body of the largest size, or such a body could never
   * be admitted.
   */
  static GatewayConfig.PartnerApi partnerApi(ConfigTree tree, long maxHeapBytes) {
    String host = tree.nonEmptyString("partner-api.host", HOST, "a host name or IP address");
    int port = tree.integer("partner-api.port", 0, 65535);
    int bodyLimit = tree.integer("partner-api.body-limit-bytes", 1024, Integer.MAX_VALUE);
    String budgetKey = "partner-api.body-memory-budget";
    long budget = tree.bytesOrHeapShare(budgetKey, maxHeapBytes);
    if (budget < bodyLimit) {
      throw new ConfigException(
          budgetKey,
          "must be at least partner-api.body-limit-bytes ("
              + bodyLimit
              + " bytes), or a body of the largest size could never be admitted; it is "
              + budget
              + " bytes (maximum heap "
              + maxHeapBytes
              + " bytes)");
    }
    return new GatewayConfig.PartnerApi(
        host,
        port,
        perCore(tree.integer("partner-api.instances", 0, 1024)),
        bodyLimit,
        budget,
        tree.duration("partner-api.header-timeout", Duration.ofMillis(100), Duration.ofMinutes(5)),
        tree.duration("partner-api.body-timeout", Duration.ofMillis(100), Duration.ofHours(1)),
        tree.integer("partner-api.max-requests-in-flight-per-partner", 1, 100_000),
        tree.duration("partner-api.idle-timeout", Duration.ofSeconds(1), DAY),
        tree.duration(
            "partner-api.handshake-timeout", Duration.ofMillis(100), Duration.ofMinutes(5)),
        tree.duration("partner-api.shutdown-grace", Duration.ZERO, Duration.ofMinutes(10)));
  }

  /** The JSON tree as plain maps and lists: the typed binding does not see Vert.x types. */
  private static Map<String, Object> plain(JsonObject json) {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    json.forEach(entry -> map.put(entry.getKey(), plainValue(entry.getValue())));
    return map;
  }

  private static Object plainValue(Object value) {
    if (value instanceof JsonObject object) {
      return plain(object);
    }
    if (value instanceof io.vertx.core.json.JsonArray array) {
      return array.stream().map(ConfigLoader::plainValue).toList();
    }
    return value;
  }

  private static GatewayConfig.Tls tls(ConfigTree tree) {
    Set<String> protocols = new LinkedHashSet<>(tree.stringList("tls.protocols", false));
    for (String protocol : protocols) {
      if (!PartnerServerOptions.PROTOCOLS.contains(protocol)) {
        throw new ConfigException(
            "tls.protocols", "only TLSv1.3 and TLSv1.2 are allowed, not " + protocol);
      }
    }
    return new GatewayConfig.Tls(
        tree.readableFile("tls.certificate"),
        tree.readableFile("tls.private-key"),
        tree.readableFiles("tls.trust-anchors", false),
        tree.readableFiles("tls.crls", true),
        tree.bool("tls.allow-stale-crl"),
        Set.copyOf(protocols),
        tree.duration("tls.reload-interval", Duration.ofMillis(100), DAY));
  }

  /**
   * The PostgreSQL database, when {@code store.url} names one. The password comes from {@value
   * #STORE_PASSWORD_VARIABLE} or the first line of {@code store.password-file}; a URL that carries
   * one is refused, so it never sits in a configuration file.
   */
  private static Optional<GatewayConfig.Database> database(
      ConfigTree tree, Map<String, String> environment) {
    String url = tree.string("store.url");
    String user = tree.string("store.user");
    String passwordFile = tree.string("store.password-file");
    int readers = tree.integer("store.readers", 1, 64);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    PostgresStore.urlProblem(url)
        .ifPresent(
            problem -> {
              throw new ConfigException("store.url", problem + " (empty: the embedded store)");
            });
    if (user.isEmpty()) {
      throw new ConfigException("store.user", "is required with store.url");
    }
    String password = environment.get(STORE_PASSWORD_VARIABLE);
    if (password == null && !passwordFile.isEmpty()) {
      Path file = tree.readableFile("store.password-file");
      try {
        password = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
      } catch (IOException e) {
        throw new ConfigException("store.password-file", "cannot be read: " + e.getMessage());
      }
    }
    return Optional.of(
        new GatewayConfig.Database(
            url, user, new Secret(password == null ? "" : password), readers));
  }

  private static GatewayConfig.Privacy privacy(ConfigTree tree, Map<String, String> environment) {
    List<GatewayConfig.Recipient> recipients = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (String entry : tree.stringList("privacy.recipients", true)) {
      int equals = entry.indexOf('=');
      String id = equals < 0 ? "" : entry.substring(0, equals).strip();
      String source = equals < 0 ? "" : entry.substring(equals + 1).strip();
      if (!RECIPIENT_ID.matcher(id).matches() || source.isEmpty()) {
        throw new ConfigException(
            "privacy.recipients",
            "each entry is <recipient id>=<policy file or builtin:name>, with a recipient id of"
                + " lower-case letters, digits and dashes");
      }
      if (!ids.add(id)) {
        throw new ConfigException("privacy.recipients", "recipient " + id + " is listed twice");
      }
      GatewayConfig.PolicySource policy;
      if (source.startsWith(BUILTIN)) {
        policy = new GatewayConfig.PolicySource.Builtin(source.substring(BUILTIN.length()));
      } else {
        Path file = Path.of(source);
        if (!Files.isReadable(file) || !Files.isRegularFile(file)) {
          throw new ConfigException(
              "privacy.recipients", "the policy file of " + id + " is not a readable file");
        }
        policy = new GatewayConfig.PolicySource.File(file);
      }
      recipients.add(new GatewayConfig.Recipient(id, policy));
    }
    String keyFile = tree.string("privacy.pseudonym-key-file");
    Optional<Secret> inline =
        Optional.ofNullable(environment.get(PseudonymKeys.ENVIRONMENT_VARIABLE))
            .filter(value -> !value.isBlank())
            .map(Secret::new);
    Optional<Path> file = Optional.empty();
    if (inline.isEmpty() && !keyFile.isEmpty()) {
      file = Optional.of(tree.readableFile("privacy.pseudonym-key-file"));
    }
    if (!recipients.isEmpty() && inline.isEmpty() && file.isEmpty()) {
      throw new ConfigException(
          "privacy.pseudonym-key-file",
          "recipients need pseudonym keys: name a key store file or set "
              + PseudonymKeys.ENVIRONMENT_VARIABLE);
    }
    return new GatewayConfig.Privacy(
        List.copyOf(recipients),
        file,
        inline,
        witnesses(tree),
        tree.duration("privacy.witness-interval", Duration.ofSeconds(1), DAY),
        tree.duration("privacy.retention-interval", Duration.ofSeconds(1), DAY));
  }

  /** {@code privacy.witnesses}: each {@code <http(s) URL> <cosignature verifier key>}. */
  private static List<GatewayConfig.WitnessEndpoint> witnesses(ConfigTree tree) {
    List<GatewayConfig.WitnessEndpoint> witnesses = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String entry : tree.stringList("privacy.witnesses", true)) {
      String[] parts = entry.strip().split("\\s+");
      if (parts.length != 2) {
        throw new ConfigException(
            "privacy.witnesses", "each entry is <URL of the witness> <its verifier key>");
      }
      URI url;
      try {
        url = new URI(parts[0].endsWith("/") ? parts[0] : parts[0] + "/");
      } catch (java.net.URISyntaxException e) {
        throw new ConfigException("privacy.witnesses", "a witness URL is not a URL");
      }
      if (!("https".equals(url.getScheme()) || "http".equals(url.getScheme()))
          || url.getHost() == null
          || url.getUserInfo() != null
          || url.getQuery() != null
          || url.getFragment() != null) {
        throw new ConfigException(
            "privacy.witnesses",
            "a witness URL is http or https, with a host, without user, query or fragment");
      }
      SignedNote.VerifierKey key;
      try {
        key = SignedNote.VerifierKey.parse(parts[1]);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("privacy.witnesses", "a witness key: " + e.getMessage());
      }
      if (key.type() != SignedNote.COSIGNATURE) {
        throw new ConfigException(
            "privacy.witnesses", "a witness key is a cosignature key (type 0x04)");
      }
      if (!names.add(key.name())) {
        throw new ConfigException(
            "privacy.witnesses", "witness " + key.name() + " is listed twice");
      }
      witnesses.add(new GatewayConfig.WitnessEndpoint(url, key));
    }
    return List.copyOf(witnesses);
  }

  private static GatewayConfig.Delivery delivery(ConfigTree tree, GatewayConfig.Privacy privacy) {
    Set<String> recipients = new LinkedHashSet<>();
    privacy.recipients().forEach(recipient -> recipients.add(recipient.id()));
    Map<String, Routing.Destinations> destinations = new LinkedHashMap<>();
    for (String entry : tree.stringList("delivery.destinations", true)) {
      String[] parts = recipientEntry("delivery.destinations", entry, recipients, destinations);
      if (parts[1].equals("*")) {
        destinations.put(parts[0], Routing.Destinations.every());
        continue;
      }
      Set<String> countries = new LinkedHashSet<>();
      for (String country : parts[1].split("\\+", -1)) {
        if (!COUNTRY.matcher(country).matches()) {
          throw new ConfigException(
              "delivery.destinations",
              "destinations of "
                  + parts[0]
                  + " are * or ISO country codes joined by +, like NL+BE");
        }
        countries.add(country);
      }
      destinations.put(parts[0], Routing.Destinations.of(countries));
    }
    for (String recipient : recipients) {
      if (!destinations.containsKey(recipient)) {
        throw new ConfigException(
            "delivery.destinations",
            "recipient " + recipient + " of privacy.recipients has no destinations");
      }
    }

    Map<String, URI> endpoints = new LinkedHashMap<>();
    for (String entry : tree.stringList("delivery.push.endpoints", true)) {
      String[] parts = recipientEntry("delivery.push.endpoints", entry, recipients, endpoints);
      URI uri;
      try {
        uri = new URI(parts[1]);
      } catch (java.net.URISyntaxException e) {
        uri = null;
      }
      if (uri == null
          || !"https".equals(uri.getScheme())
          || uri.getHost() == null
          || uri.getUserInfo() != null
          || uri.getFragment() != null) {
        throw new ConfigException(
            "delivery.push.endpoints",
            "the endpoint of " + parts[0] + " must be an https URL without user or fragment");
      }
      endpoints.put(parts[0], uri);
    }
    Path certificate = null;
    Path key = null;
    List<Path> anchors = List.of();
    if (!endpoints.isEmpty()) {
      certificate = tree.readableFile("delivery.push.client-certificate");
      key = tree.readableFile("delivery.push.client-private-key");
      anchors = tree.readableFiles("delivery.push.trust-anchors", false);
    } else {
      tree.string("delivery.push.client-certificate");
      tree.string("delivery.push.client-private-key");
      tree.stringList("delivery.push.trust-anchors", true);
    }
    Duration initial =
        tree.duration("delivery.push.retry-initial-delay", Duration.ofMillis(10), DAY);
    Duration max = tree.duration("delivery.push.retry-max-delay", Duration.ofMillis(10), DAY);
    if (max.compareTo(initial) < 0) {
      throw new ConfigException(
          "delivery.push.retry-max-delay", "must not be less than retry-initial-delay");
    }
    Duration requestTimeout =
        tree.duration("delivery.push.request-timeout", Duration.ofMillis(100), DAY);
    Duration lease = tree.duration("delivery.push.lease", Duration.ofMillis(300), DAY);
    // An attempt must end within the part of the lease its holder may use (Pusher.LeaseKeeper):
    // two thirds of it.
    if (lease.multipliedBy(2).dividedBy(3).compareTo(requestTimeout) < 0) {
      throw new ConfigException(
          "delivery.push.lease", "must be at least one and a half times request-timeout");
    }
    GatewayConfig.Push push =
        new GatewayConfig.Push(
            Map.copyOf(endpoints),
            certificate,
            key,
            anchors,
            tree.integer("delivery.push.batch-size", 1, 10_000),
            requestTimeout,
            tree.duration("delivery.push.poll-interval", Duration.ofMillis(10), DAY),
            new RetryPolicy(initial, max),
            tree.duration("delivery.push.record-ttl", Duration.ofSeconds(1), Duration.ofDays(3660)),
            tree.integer("delivery.push.circuit-failures", 1, 1_000_000),
            tree.duration("delivery.push.circuit-open", Duration.ofMillis(10), DAY),
            lease);
    return new GatewayConfig.Delivery(
        java.util.Collections.unmodifiableMap(destinations),
        tree.integer("delivery.max-page-size", 1, 10_000),
        push);
  }

  /** Splits {@code <recipient>=<value>} and checks the recipient is configured and new. */
  private static String[] recipientEntry(
      String key, String entry, Set<String> recipients, Map<String, ?> seen) {
    int equals = entry.indexOf('=');
    String id = equals < 0 ? "" : entry.substring(0, equals).strip();
    String value = equals < 0 ? "" : entry.substring(equals + 1).strip();
    if (id.isEmpty() || value.isEmpty()) {
      throw new ConfigException(key, "each entry is <recipient id>=<value>");
    }
    if (!recipients.contains(id)) {
      throw new ConfigException(key, id + " is not a recipient of privacy.recipients");
    }
    if (seen.containsKey(id)) {
      throw new ConfigException(key, "recipient " + id + " is listed twice");
    }
    return new String[] {id, value};
  }

  private static GatewayConfig.Token token(ConfigTree tree, String audience) {
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    for (String name : tree.stringList("token.algorithms", false)) {
      JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
      if (!SignatureAlgorithms.SUPPORTED.contains(algorithm)) {
        throw new ConfigException(
            "token.algorithms",
            name + " is not allowed; choose from ES256, PS256 and EdDSA (never none or HMAC)");
      }
      algorithms.add(algorithm);
    }
    Duration skew = tree.duration("token.clock-skew", Duration.ZERO, Duration.ofMinutes(5));
    Duration lifetime =
        tree.duration("token.max-lifetime", Duration.ofSeconds(1), TokenPolicy.LIFETIME_CEILING);
    int replayCacheSize = tree.integer("token.replay-cache-size", 1000, 100_000_000);
    return new GatewayConfig.Token(
        new TokenPolicy(audience, algorithms, skew, lifetime), replayCacheSize);
  }
}
