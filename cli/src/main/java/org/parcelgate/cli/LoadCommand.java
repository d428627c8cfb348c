package org.parcelgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.parcelgate.cli.load.Caller;
import org.parcelgate.cli.load.LoadReport;
import org.parcelgate.cli.load.LoadRun;
import org.parcelgate.cli.load.Workload;
import org.parcelgate.config.ConfigLoader;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code parcelgate load}: the end-to-end load generator, and the in-process floor. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = {
      "Sends a steady load of signed batches (or whoami calls) as several marketplaces over kept-alive mutual TLS, and reports records/s, requests/s, latency percentiles, errors by problem code, and the gateway's CPU per 1,000 records and peak heap (with --ops).",
      "With --floor, first runs the same records through the gateway's own pipeline in this process, without the network, and reports both. docs/performance.md explains every figure.",
      "Every batch is new: the seed chooses the order numbers, and a seed used before against the same store makes records refused as duplicates."
    })
final class LoadCommand implements Callable<Integer> {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin GatewayAddress gateway;

  private URI url;
  private String audience;

  @Option(
      names = "--pki",
      paramLabel = "DIR",
      description =
          "The sample PKI whose marketplaces call, and whose root CA the gateway's certificate"
              + " chains to (default: the installation's keys-sample/generated).")
  Path pki;

  @Option(
      names = "--marketplaces",
      split = ",",
      paramLabel = "ID",
      description =
          "The marketplaces that call, in turn (default: every active marketplace of the PKI's"
              + " registry).")
  List<String> marketplaces;

  @Option(
      names = "--alg",
      paramLabel = "ALG",
      description =
          "Sign tokens with this algorithm where a marketplace has a key for it (ES256, PS256,"
              + " EdDSA; default: each marketplace's first key).")
  String alg;

  @Option(
      names = "--batch-size",
      defaultValue = "100",
      description =
          "Records per batch; 0 calls GET /v1/whoami instead (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--path",
      paramLabel = "batches|whoami",
      defaultValue = "batches",
      description =
          "What to call: batches (POST /v1/batches) or whoami (default: ${DEFAULT-VALUE}).")
  String path;

  @Option(
      names = "--concurrency",
      defaultValue = "8",
      description =
          "Requests in flight, over as many connections, shared by the marketplaces; the floor's"
              + " threads (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--rate",
      defaultValue = "0",
      paramLabel = "PER_SECOND",
      description = "Requests per second at fixed times; 0 for as fast as possible (default).")
  double rate;

  @Option(
      names = "--duration",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "The timed window (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Load before the window, not counted (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--new-connections",
      description = "A new TLS connection for every request, to measure handshakes.")
  boolean newConnections;

  @Option(
      names = "--traffic",
      defaultValue = "sample",
      paramLabel = "sample|risk",
      description =
          "The records: sample (the orders of parcelgate sample) or risk (the risk evaluation's"
              + " traffic, with every fraud pattern injected, so every risk detector works; default:"
              + " ${DEFAULT-VALUE}).")
  String traffic;

  @Option(names = "--seed", description = "Chooses the records (default: random).")
  Long seed;

  @Option(
      names = "--ops",
      paramLabel = "URL",
      description =
          "The gateway's ops port (e.g. http://127.0.0.1:9090), to read its CPU time and heap."
              + " Repeat it for every instance of a cluster: their CPU is added up.")
  List<URI> ops = new ArrayList<>();

  @Option(
      names = "--database-pid",
      paramLabel = "PID",
      description =
          "A database server's main process on this machine (PostgreSQL's postmaster): its CPU and"
              + " its child processes' over the window are reported beside the gateway's.")
  Long databasePid;

  @Option(
      names = "--floor",
      description = "First run the records through the gateway's pipeline in this process.")
  boolean floor;

  @Option(names = "--floor-only", description = "Run the floor only, no network.")
  boolean floorOnly;

  @Option(
      names = "--floor-store-url",
      paramLabel = "JDBC-URL",
      description =
          "The floor's store: a PostgreSQL database of its own (not the measured gateway's), as"
              + " jdbc:postgresql://host:port/db; its password from PARCELGATE_STORE_PASSWORD."
              + " Default: the embedded store in a temporary directory.")
  String floorStoreUrl;

  @Option(
      names = "--floor-store-user",
      defaultValue = "parcelgate",
      paramLabel = "ROLE",
      description = "The floor store's database role (default: ${DEFAULT-VALUE}).")
  String floorStoreUser;

  @Option(
      names = "--gateway-config",
      paramLabel = "FILE",
      description =
          "The floor's gateway configuration (default: the embedded defaults on the --pki).")
  Path gatewayConfig;

  @Option(
      names = "--prepare-ahead",
      defaultValue = "0",
      description = "Requests kept ready per marketplace (default: chosen from rate and memory).")
  int prepareAhead;

  @Option(
      names = "--preparers",
      defaultValue = "2",
      description = "Threads that encode batches and sign tokens (default: ${DEFAULT-VALUE}).")
  int preparers;

  @Option(
      names = "--prepare-time",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description =
          "The longest to prepare requests before the warm-up starts; preparing goes on during"
              + " the run (default: ${DEFAULT-VALUE}).")
  Duration prepareTime;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How long one request may wait for its answer (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--format",
      defaultValue = "text",
      paramLabel = "text|json",
      description = "The report on standard output (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the JSON report here.")
  Path jsonFile;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CallerSettings settings = ParcelgateCommand.settings(spec, null);
    url = gateway.url(settings);
    audience = gateway.audience(settings);
    check();
    SamplePki sample = openPki();
    List<Caller> callers = callers(sample);
    long chosenSeed = seed != null ? seed : new SecureRandom().nextLong();
    int size = path.equals("whoami") ? 0 : batchSize;
    LoadReport report =
        LoadRun.run(
            new LoadRun.Options(
                url,
                audience,
                sample.trustAnchor(),
                callers,
                size,
                concurrency,
                rate,
                warmup,
                duration,
                newConnections,
                chosenSeed,
                List.copyOf(ops),
                Optional.ofNullable(databasePid),
                prepareAhead,
                preparers,
                timeout,
                prepareTime,
                floor || floorOnly,
                !floorOnly,
                floorSettings(sample),
                Optional.ofNullable(gatewayConfig),
                traffic.equals("risk") ? Workload.Traffic.RISK : Workload.Traffic.SAMPLE),
            err);
    JsonNode json = report.json();
    if (jsonFile != null) {
      Files.writeString(jsonFile, JSON.writeValueAsString(json) + "\n");
    }
    if (format.equals("json")) {
      out.println(JSON.writeValueAsString(json));
      out.flush();
    } else {
      report.print(out);
    }
    return report.errors() == 0 ? ExitCodes.OK : ExitCodes.REFUSED;
  }

  /** The floor's gateway settings: the sample's unless a configuration file is given, its store. */
  private Map<String, String> floorSettings(SamplePki sample) {
    Map<String, String> settings = new java.util.HashMap<>();
    if (gatewayConfig == null) {
      settings.putAll(sample.gatewaySettings(audience, Path.of("unused")));
    }
    if (floorStoreUrl != null) {
      settings.put("PARCELGATE_STORE_URL", floorStoreUrl);
      settings.put("PARCELGATE_STORE_USER", floorStoreUser);
      String password = System.getenv(ConfigLoader.STORE_PASSWORD_VARIABLE);
      if (password != null) {
        settings.put(ConfigLoader.STORE_PASSWORD_VARIABLE, password);
      }
    }
    return settings;
  }

  private void check() {
    if (!path.equals("batches") && !path.equals("whoami")) {
      throw new UsageException("--path is batches or whoami");
    }
    if (!traffic.equals("sample") && !traffic.equals("risk")) {
      throw new UsageException("--traffic is sample or risk");
    }
    if (batchSize < 0 || batchSize > 10_000) {
      throw new UsageException("--batch-size is 0 to 10000");
    }
    if (concurrency < 1 || concurrency > 1024) {
      throw new UsageException("--concurrency is 1 to 1024");
    }
    if (rate < 0) {
      throw new UsageException("--rate is 0 (as fast as possible) or more");
    }
    if (duration.isZero() || duration.isNegative() || warmup.isNegative()) {
      throw new UsageException("--duration must be positive and --warmup not negative");
    }
    if (!format.equals("text") && !format.equals("json")) {
      throw new UsageException("--format is text or json");
    }
    if (preparers < 1 || prepareAhead < 0) {
      throw new UsageException("--preparers is 1 or more, --prepare-ahead 0 or more");
    }
    if ((floor || floorOnly) && (batchSize == 0 || path.equals("whoami"))) {
      throw new UsageException("the floor runs batches: give --batch-size 1 or more");
    }
    if (!"https".equals(url.getScheme())) {
      throw new UsageException("--url must be https://host:port");
    }
  }

  private SamplePki openPki() {
    try {
      if (pki == null) {
        pki = Installation.resolve(Installation.SAMPLE_PKI);
      }
      return SamplePki.open(pki);
    } catch (RuntimeException e) {
      throw new UsageException("cannot read the PKI directory " + pki + " (give --pki)");
    }
  }

  private List<Caller> callers(SamplePki sample) throws IOException {
    List<String> names = marketplaces != null ? marketplaces : activeMarketplaces(sample);
    if (names.isEmpty()) {
      throw new UsageException("no active marketplace in " + sample.registry());
    }
    List<Caller> callers = new ArrayList<>();
    for (String name : names) {
      Identity identity;
      try {
        identity = sample.identity(name);
      } catch (RuntimeException e) {
        throw new UsageException("no partner " + name + " in " + pki);
      }
      if (!identity.registered() || identity.signingKeys().isEmpty()) {
        throw new UsageException(name + " is a test identity without signing keys");
      }
      var key =
          alg == null
              ? identity.signingKeys().get(0)
              : identity.signingKeys().stream()
                  .filter(k -> k.getAlgorithm() != null && k.getAlgorithm().getName().equals(alg))
                  .findFirst()
                  .orElse(identity.signingKeys().get(0));
      callers.add(
          new Caller(
              identity.partnerId(),
              identity.certificate(),
              identity.privateKey(),
              identity.thumbprint(),
              key));
    }
    return callers;
  }

  /** The marketplaces the registry lists as active, in its order. */
  static List<String> activeMarketplaces(SamplePki sample) throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonNode partner : JSON.readTree(sample.registry().toFile()).path("partners")) {
      if (partner.path("role").asText().equals("marketplace")
          && partner.path("status").asText().equals("active")) {
        names.add(partner.path("id").asText());
      }
    }
    return names;
  }

  /** {@code 500ms}, {@code 15s}, {@code 2m}, or a number of seconds. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    @Override
    public Duration convert(String value) {
      Matcher matcher = DURATION.matcher(value.trim());
      if (!matcher.matches()) {
        throw new IllegalArgumentException("a duration is like 500ms, 15s or 2m: " + value);
      }
      long amount = Long.parseLong(matcher.group(1));
      String unit = matcher.group(2) == null ? "s" : matcher.group(2);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofSeconds(amount);
      };
    }
  }
}
