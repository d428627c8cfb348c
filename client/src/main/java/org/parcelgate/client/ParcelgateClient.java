package org.parcelgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.GatewaySignatures;
import org.parcelgate.protocol.JoseTypes;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.protocol.Receipt;
import org.parcelgate.protocol.RequestToken;
import org.parcelgate.protocol.RetryPolicy;
import org.parcelgate.protocol.WitnessPolicy;
import org.parcelgate.schema.Transaction;

/**
 * A partner's connection to a Parcelgate gateway (docs/protocol.md): mutual TLS with the partner's
 * certificate, and on every request a fresh request token bound to that certificate and to the
 * body. What the gateway signs (receipts, feed pages, checkpoints) is verified against its
 * published keys before it is returned; an answer that does not verify is a {@link
 * ClientException}, a refusal a {@link ProblemException}.
 *
 * <p>Calls block the calling thread; the client is thread-safe and keeps connections alive, so
 * share one per identity. Requests that failed on the way (no connection, a lost answer, {@code
 * 408}, {@code 429}, {@code 5xx}) are sent again after a jittered backoff, with a new token and the
 * same body: the gateway recognizes a batch by its body, so a retried batch is never stored twice.
 */
public final class ParcelgateClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final ClientIdentity identity;
  private final String audience;
  private final Clock clock;
  private final int maxAttempts;
  private final RetryPolicy backoff;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final RandomGenerator random = new SecureRandom();
  private volatile JWKSet gatewayKeys;

  private ParcelgateClient(Builder builder) {
    this.base = builder.base;
    this.identity = Objects.requireNonNull(builder.identity, "identity");
    this.audience = Objects.requireNonNull(builder.audience, "audience");
    this.clock = builder.clock;
    this.maxAttempts = builder.maxAttempts;
    this.backoff = builder.backoff;
    this.requestTimeout = builder.requestTimeout;
    SSLParameters tls = new SSLParameters();
    tls.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(builder.connectTimeout)
            .sslContext(sslContext(identity, builder.trustAnchors))
            .sslParameters(tls)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * A client of the gateway at {@code base} ({@code https://host:port}).
   *
   * <p>Required: {@link Builder#identity}, {@link Builder#trustAnchors} and {@link
   * Builder#audience}.
   */
  public static Builder builder(URI base) {
    return new Builder(base);
  }

  /** Who the gateway takes this client for: {@code GET /v1/whoami}. */
  public WhoAmI whoami() {
    JsonNode answer = json(send(Request.get("/v1/whoami")));
    return new WhoAmI(
        answer.path("partnerId").asText(),
        answer.path("role").asText(),
        answer.path("keyId").asText());
  }

  /** The gateway's published signing keys ({@code /.well-known/jwks.json}), fetched once. */
  public JWKSet gatewayKeys() {
    JWKSet keys = gatewayKeys;
    return keys != null ? keys : refreshGatewayKeys();
  }

  /** Fetches the gateway's published keys again, as after the gateway rotated its key. */
  public JWKSet refreshGatewayKeys() {
    Answer answer = send(Request.get("/.well-known/jwks.json").withoutToken());
    try {
      JWKSet keys = JWKSet.parse(answer.text());
      gatewayKeys = keys;
      return keys;
    } catch (ParseException e) {
      throw new ClientException("the gateway's key set is not a JWK set");
    }
  }

  /** Pushes the transactions as one batch; see {@link #push(byte[])}. */
  public BatchResult push(List<Transaction> transactions) {
    return push(Batches.write(transactions));
  }

  /**
   * Pushes a batch ({@link Batches#write}) and verifies the receipt: its signature with the
   * gateway's keys, and that it attests this partner, these exact bytes, one of the tokens sent,
   * and the answer's counts.
   *
   * @throws ProblemException if the gateway refused the batch as a whole
   * @throws ClientException if every attempt failed on the way, or the receipt does not verify
   */
  public BatchResult push(byte[] container) {
    Request request = Request.post("/v1/batches", container, Batches.MEDIA_TYPE);
    Answer answer = send(request);
    if (answer.status != 200 && answer.status != 202) {
      throw new ClientException("unexpected status " + answer.status + " for a batch");
    }
    BatchAnswer batch = BatchAnswer.parse(json(answer));
    boolean repeat = answer.status == 200;
    Receipt receipt = verifyReceipt(batch, container, repeat, request.tokensSent);
    return new BatchResult(repeat, request.attempts, batch, receipt);
  }

  /** The answer to a batch this marketplace sent, as first given: {@code GET /v1/batches/{id}}. */
  public BatchAnswer batch(String batchId) {
    return BatchAnswer.parse(json(send(Request.get("/v1/batches/" + pathSegment(batchId)))));
  }

  /** A page of this customs partner's price feed, JSON, signature verified. */
  public FeedPage priceRecords(FeedQuery query) {
    return feedPage("/v1/customs/price-records" + query.queryString(), false);
  }

  /** A page of this customs partner's price feed as an Avro container, signature verified. */
  public FeedPage priceRecordsAvro(FeedQuery query) {
    return feedPage("/v1/customs/price-records" + query.queryString(), true);
  }

  /** A page of this customs partner's seller feed, JSON, signature verified. */
  public FeedPage sellerRecords(FeedQuery query) {
    return feedPage("/v1/customs/seller-records" + query.queryString(), false);
  }

  /**
   * The latest checkpoint of the minimization log, its signature verified: {@code GET
   * /v1/privacy/checkpoint} (privacy officers).
   */
  public SignedCheckpoint checkpoint() {
    JsonNode answer = json(send(Request.get("/v1/privacy/checkpoint")));
    String jws = answer.path("jws").asText();
    Checkpoint checkpoint = verifyWithFreshKeys(() -> checkpointVerifier().verify(jws));
    if (checkpoint.treeSize() != answer.path("treeSize").asLong()
        || !checkpoint.rootHash().equals(answer.path("rootHash").asText())) {
      throw new ClientException("the checkpoint's answer differs from what its signature attests");
    }
    return new SignedCheckpoint(checkpoint, jws);
  }

  /**
   * The largest checkpoint of the minimization log that the witnesses cosigned, accepted by {@code
   * policy}: the log's note signature and at least {@code policy.required()} of its witnesses'
   * cosignatures, each verified with the keys the policy holds (never with keys from the answer).
   * {@code GET /v1/privacy/checkpoint}, its {@code witnessed} member (privacy officers).
   *
   * @throws ClientException when no checkpoint was cosigned yet, or the policy refuses it
   */
  public WitnessPolicy.Accepted witnessedCheckpoint(WitnessPolicy policy) {
    JsonNode witnessed = json(send(Request.get("/v1/privacy/checkpoint"))).path("witnessed");
    if (!witnessed.path("note").isTextual()) {
      throw new ClientException("no checkpoint of the log was cosigned by witnesses yet");
    }
    try {
      return policy.accept(witnessed.path("note").asText());
    } catch (IllegalArgumentException e) {
      throw new ClientException("the cosigned checkpoint is not accepted: " + e.getMessage());
    }
  }

  /** The note of the largest checkpoint the witnesses cosigned, unverified; empty before any. */
  public Optional<String> witnessedNote() {
    JsonNode note =
        json(send(Request.get("/v1/privacy/checkpoint"))).path("witnessed").path("note");
    return note.isTextual() ? Optional.of(note.asText()) : Optional.empty();
  }

  /**
   * The minimization log's entries {@code start} (inclusive) to {@code end} (exclusive), each the
   * exact exported text, oldest first: {@code GET /v1/privacy/export}, every page.
   */
  public List<String> exportLog(long start, long end) {
    List<String> lines = new ArrayList<>();
    long next = start;
    while (next < end) {
      Answer answer =
          send(Request.get("/v1/privacy/export?format=jsonl&start=" + next + "&end=" + end));
      for (String line : answer.text().split("\n")) {
        if (!line.isEmpty()) {
          lines.add(line);
        }
      }
      Optional<String> more = answer.header("Parcelgate-Next-Start");
      if (more.isEmpty()) {
        break;
      }
      long following = parsePosition(more.get());
      if (following <= next) {
        throw new ClientException("the export's next start does not move forward");
      }
      next = following;
    }
    return lines;
  }

  /**
   * Whether the gateway proves that {@code entry}, the exported text of log entry {@code index}, is
   * in the log that {@code checkpoint} attests: {@code GET /v1/privacy/proofs/inclusion}, checked
   * with RFC 9162 against the checkpoint's root.
   */
  public boolean proveInclusion(long index, String entry, Checkpoint checkpoint) {
    JsonNode proof =
        json(
            send(
                Request.get(
                    "/v1/privacy/proofs/inclusion?index="
                        + index
                        + "&treeSize="
                        + checkpoint.treeSize())));
    List<byte[]> path = new ArrayList<>();
    proof.path("auditPath").forEach(node -> path.add(hash(node.asText())));
    return MerkleTree.verifyInclusion(
        MerkleTree.leafHash(entry.getBytes(StandardCharsets.UTF_8)),
        index,
        checkpoint.treeSize(),
        path,
        hash(checkpoint.rootHash()));
  }

  /**
   * Whether the gateway proves that the log {@code earlier} attests is a prefix of the log {@code
   * later} attests, so nothing kept between them was changed or removed: {@code GET
   * /v1/privacy/proofs/consistency}, checked with RFC 9162 against both signed roots. Keep the
   * checkpoints you verified; ask this whenever you see a newer one.
   */
  public boolean proveConsistency(Checkpoint earlier, Checkpoint later) {
    if (earlier.treeSize() > later.treeSize()) {
      return false;
    }
    if (earlier.treeSize() == 0 || earlier.treeSize() == later.treeSize()) {
      return earlier.treeSize() == 0 || earlier.rootHash().equals(later.rootHash());
    }
    JsonNode answer =
        json(
            send(
                Request.get(
                    "/v1/privacy/proofs/consistency?first="
                        + earlier.treeSize()
                        + "&second="
                        + later.treeSize())));
    List<byte[]> proof = new ArrayList<>();
    answer.path("proof").forEach(node -> proof.add(hash(node.asText())));
    return MerkleTree.verifyConsistency(
        earlier.treeSize(),
        later.treeSize(),
        hash(earlier.rootHash()),
        hash(later.rootHash()),
        proof);
  }

  /** The minimization log's entries (privacy officers), newest first, as JSON. */
  public JsonNode logEntries(int limit) {
    return json(send(Request.get("/v1/privacy/entries?limit=" + limit)));
  }

  /**
   * The access log's entries (privacy officers), newest first, as JSON: who read the logs, with
   * which filter. Reading it is recorded in it too.
   */
  public JsonNode accessLogEntries(int limit) {
    return json(send(Request.get("/v1/privacy/access/entries?limit=" + limit)));
  }

  /** This client's partner id. */
  public String partnerId() {
    return identity.partnerId();
  }

  @Override
  public void close() {
    // HttpClient closes with the JDK 21 API only; on 17 its connections end with the client.
  }

  private FeedPage feedPage(String pathAndQuery, boolean avro) {
    Request request = Request.get(pathAndQuery);
    if (avro) {
      request.accept = "application/avro";
    }
    Answer answer = send(request);
    String signature =
        answer
            .header("Parcelgate-Signature")
            .orElseThrow(() -> new ClientException("the feed page is not signed"));
    JWSHeader header =
        verifyWithFreshKeys(
            () ->
                new GatewaySignatures(gatewayKeys())
                    .verifyDetached(signature, answer.body, JoseTypes.FEED_PAGE));
    if (!audience.equals(header.getCustomParam("iss"))) {
      throw new ClientException("the feed page was not signed by gateway " + audience);
    }
    if (!identity.partnerId().equals(header.getCustomParam("aud"))
        || !pathAndQuery.equals(header.getCustomParam("request"))) {
      throw new ClientException("the feed page was signed for another recipient or request");
    }
    // The cursor and "more" are taken from the signed header, never from unsigned HTTP headers.
    if (!(header.getCustomParam("next_cursor") instanceof String nextCursor)
        || !nextCursor.matches("[0-9]{1,19}")
        || !(header.getCustomParam("more") instanceof Boolean more)) {
      throw new ClientException("the feed page's signature does not state its next cursor");
    }
    if (avro) {
      return new FeedPage(List.of(), nextCursor, more, true, answer.body, header.getKeyID());
    }
    JsonNode page = json(answer);
    if (!nextCursor.equals(page.path("nextCursor").asText(null))
        || more != page.path("more").asBoolean()) {
      throw new ClientException("the feed page's cursor differs from what its signature states");
    }
    List<JsonNode> records = new ArrayList<>();
    page.path("records").forEach(records::add);
    return new FeedPage(records, nextCursor, more, false, answer.body, header.getKeyID());
  }

  private Receipt verifyReceipt(
      BatchAnswer batch, byte[] container, boolean repeat, Set<String> tokensSent) {
    Receipt receipt = verifyWithFreshKeys(() -> Receipt.verify(batch.receipt(), gatewayKeys()));
    List<String> wrong =
        mismatches(
            receipt,
            batch,
            identity.partnerId(),
            Digests.sha256Base64Url(container),
            repeat,
            tokensSent);
    if (!audience.equals(issuer(batch.receipt()))) {
      wrong.add("iss");
    }
    if (!wrong.isEmpty()) {
      throw new ClientException(
          "the receipt does not attest this batch: " + String.join(", ", wrong));
    }
    return receipt;
  }

  /**
   * What a receipt whose signature verified says differently from the push it answers: the claims
   * that do not match, empty when it attests exactly this batch.
   */
  static List<String> mismatches(
      Receipt receipt,
      BatchAnswer batch,
      String partnerId,
      String bodySha256,
      boolean repeat,
      Set<String> tokensSent) {
    List<String> wrong = new ArrayList<>();
    if (!receipt.marketplaceId().equals(partnerId)) {
      wrong.add("sub");
    }
    if (!receipt.bodySha256().equals(bodySha256)) {
      wrong.add("body_sha256");
    }
    if (!receipt.batchId().equals(batch.batchId())) {
      wrong.add("batch_id");
    }
    // A repeat carries the original receipt, whose token may be an earlier run's; a new batch's
    // receipt names one of the tokens sent now.
    if (!repeat && !tokensSent.contains(receipt.requestJti())) {
      wrong.add("request_jti");
    }
    if (!receipt.writerSchema().equals(batch.writerSchema())) {
      wrong.add("writer_schema");
    }
    if (receipt.receivedAt().getEpochSecond() != batch.receivedAt().getEpochSecond()) {
      wrong.add("iat");
    }
    if (receipt.records() != batch.records()
        || receipt.accepted() != batch.accepted()
        || receipt.unchanged() != batch.unchanged()
        || receipt.rejected() != batch.rejected()) {
      wrong.add("counts");
    }
    return wrong;
  }

  /** The issuer of a JWS whose signature has been verified. */
  private static String issuer(String jws) {
    try {
      return com.nimbusds.jwt.SignedJWT.parse(jws).getJWTClaimsSet().getIssuer();
    } catch (ParseException e) {
      throw new ClientException("the receipt's claims are malformed");
    }
  }

  private <T> T verifyWithFreshKeys(java.util.function.Supplier<T> verification) {
    try {
      return verification.get();
    } catch (GatewaySignatures.SignatureCheckException first) {
      if (first.reason() != GatewaySignatures.Reason.UNKNOWN_KEY) {
        throw new ClientException(first.getMessage());
      }
      refreshGatewayKeys(); // the gateway may have rotated its key since the keys were fetched
      try {
        return verification.get();
      } catch (IllegalArgumentException again) {
        throw new ClientException(again.getMessage());
      }
    } catch (IllegalArgumentException e) {
      throw new ClientException(e.getMessage());
    }
  }

  private CheckpointVerifier checkpointVerifier() {
    return new CheckpointVerifier(gatewayKeys());
  }

  private Answer send(Request request) {
    ClientException lastFailure = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      request.attempts = attempt;
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(base.resolve(request.pathAndQuery))
              .timeout(requestTimeout)
              .header("Accept", request.accept);
      if (request.withToken) {
        RequestToken token = identity.token(audience, request.body, clock.instant());
        request.tokensSent.add(token.jti());
        builder.header("Authorization", "Bearer " + token.sign(identity.signingKey()));
      }
      if (request.body != null) {
        builder
            .header("Content-Type", request.contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body));
      } else {
        builder.GET();
      }
      Duration retryAfter = Duration.ZERO;
      try {
        HttpResponse<byte[]> response =
            http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        Answer answer = new Answer(response);
        if (answer.status < 400) {
          return answer;
        }
        ProblemException problem = answer.problem();
        if (!problem.retryable()) {
          throw problem;
        }
        lastFailure = problem;
        retryAfter = answer.retryAfter();
      } catch (javax.net.ssl.SSLHandshakeException e) {
        // Trust or certificate: the same handshake fails the same way on every attempt.
        throw new ClientException("the TLS handshake with " + base + " failed: " + plain(e), e);
      } catch (IOException e) {
        lastFailure = new ClientException("no answer from " + base + ": " + describe(e, base), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClientException("interrupted while calling " + base, e);
      }
      if (attempt < maxAttempts) {
        // A Retry-After is honoured up to the longest backoff, so one call cannot block for hours.
        Duration asked =
            retryAfter.compareTo(backoff.maxDelay()) > 0 ? backoff.maxDelay() : retryAfter;
        sleep(max(backoff.delay(attempt, random), asked));
      }
    }
    throw lastFailure;
  }

  /** A base64url hash of a proof or checkpoint; a malformed one is the gateway's error. */
  private static byte[] hash(String base64url) {
    try {
      return Base64.getUrlDecoder().decode(base64url);
    } catch (IllegalArgumentException e) {
      throw new ClientException("a hash in the gateway's answer is not base64url");
    }
  }

  private static long parsePosition(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ClientException("the export's next start is not a number");
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * Why a call got no answer, in words that tell a refused port from silence: {@code connection
   * refused} (nothing listens there), {@code timed out} (something drops the packets or does not
   * answer), a TLS failure, or the I/O failure as it came.
   */
  static String describe(IOException e, URI base) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.http.HttpConnectTimeoutException) {
        return "timed out connecting (no reply from that host and port)";
      }
      if (cause instanceof java.net.http.HttpTimeoutException) {
        return "timed out waiting for the answer (connected, but no answer came)";
      }
      if (cause instanceof java.net.UnknownHostException) {
        return "unknown host " + base.getHost();
      }
      if (cause instanceof java.net.NoRouteToHostException) {
        return "no route to host " + base.getHost();
      }
      if (cause instanceof java.net.ConnectException) {
        // The JDK's HTTP client says neither refused nor timed out: ask the port once more.
        return connectFailure(base);
      }
      if (cause instanceof javax.net.ssl.SSLException ssl) {
        return "TLS failure: " + ssl.getMessage();
      }
    }
    return plain(e);
  }

  private static String plain(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }

  /** Why a TCP connection to the gateway's port failed: refused, timed out, or something else. */
  private static String connectFailure(URI base) {
    int port = base.getPort() != -1 ? base.getPort() : 443;
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(base.getHost(), port), 5_000);
      return "the connection failed (the port accepts connections again now)";
    } catch (java.net.SocketTimeoutException e) {
      return "timed out connecting to " + base.getHost() + ":" + port + " (no reply at all)";
    } catch (java.net.ConnectException e) {
      String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
      return message.contains("refused")
          ? "connection refused (nothing listens on " + base.getHost() + ":" + port + ")"
          : "cannot connect to " + base.getHost() + ":" + port + " (" + e.getMessage() + ")";
    } catch (IOException e) {
      return "cannot connect to " + base.getHost() + ":" + port + " (" + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted while waiting to retry", e);
    }
  }

  private static JsonNode json(Answer answer) {
    try {
      return JSON.readTree(answer.body);
    } catch (IOException e) {
      throw new ClientException("the gateway's answer is not JSON");
    }
  }

  private static String pathSegment(String id) {
    if (!id.matches("[A-Za-z0-9._-]{1,128}")) {
      throw new IllegalArgumentException(
          "a batch id is letters, digits, dots, dashes, underscores");
    }
    return id;
  }

  private static SSLContext sslContext(ClientIdentity identity, List<X509Certificate> anchors) {
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException("the gateway's trust anchor is required");
    }
    try {
      char[] password = new char[0];
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "client",
          identity.tlsKey(),
          password,
          identity.certificateChain().toArray(new X509Certificate[0]));
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        trust.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new ClientException("cannot set up TLS with the identity and trust anchor", e);
    }
  }

  /** Who the gateway takes a client for. */
  public record WhoAmI(String partnerId, String role, String keyId) {}

  /** One logical request, sent one or more times. */
  private static final class Request {
    final String pathAndQuery;
    final byte[] body;
    final String contentType;
    String accept = "application/json";
    boolean withToken = true;
    int attempts;
    final Set<String> tokensSent = new HashSet<>();

    private Request(String pathAndQuery, byte[] body, String contentType) {
      this.pathAndQuery = pathAndQuery;
      this.body = body;
      this.contentType = contentType;
    }

    static Request get(String pathAndQuery) {
      return new Request(pathAndQuery, null, null);
    }

    static Request post(String path, byte[] body, String contentType) {
      return new Request(path, body, contentType);
    }

    Request withoutToken() {
      withToken = false;
      return this;
    }
  }

  /** An answer as received. */
  private static final class Answer {
    final int status;
    final byte[] body;
    final java.net.http.HttpHeaders headers;

    Answer(HttpResponse<byte[]> response) {
      this.status = response.statusCode();
      this.body = response.body();
      this.headers = response.headers();
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    Duration retryAfter() {
      return header("Retry-After")
          .filter(value -> value.matches("\\d{1,4}"))
          .map(value -> Duration.ofSeconds(Long.parseLong(value)))
          .orElse(Duration.ZERO);
    }

    ProblemException problem() {
      try {
        JsonNode problem = JSON.readTree(body);
        return new ProblemException(
            status,
            problem.path("code").asText("http_" + status),
            problem.path("detail").asText(null),
            problem.path("requestId").asText(header("X-Request-Id").orElse(null)));
      } catch (IOException e) {
        return new ProblemException(
            status, "http_" + status, null, header("X-Request-Id").orElse(null));
      }
    }
  }

  /** Settings of a client; see {@link ParcelgateClient#builder}. */
  public static final class Builder {
    private final URI base;
    private ClientIdentity identity;
    private List<X509Certificate> trustAnchors = List.of();
    private String audience;
    private Clock clock = Clock.systemUTC();
    private int maxAttempts = 5;
    private RetryPolicy backoff = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(10));
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);

    private Builder(URI base) {
      if (!"https".equals(base.getScheme())) {
        throw new IllegalArgumentException("the gateway's URL must be https://host:port");
      }
      this.base = base;
    }

    /** The partner's certificate, TLS key and signing key. */
    public Builder identity(ClientIdentity identity) {
      this.identity = identity;
      return this;
    }

    /** The CA certificates (PEM) that issued the gateway's server certificate. */
    public Builder trustAnchors(Path pem) {
      this.trustAnchors = ClientIdentity.readCertificates(pem);
      return this;
    }

    public Builder trustAnchors(List<X509Certificate> anchors) {
      this.trustAnchors = List.copyOf(anchors);
      return this;
    }

    /**
     * The gateway's id, the {@code aud} of every token (the sample gateway's: parcelgate-local).
     */
    public Builder audience(String gatewayId) {
      this.audience = gatewayId;
      return this;
    }

    /** The clock that dates tokens (tests move it). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** At most {@code attempts} sends of one request, waiting by {@code backoff} in between. */
    public Builder retries(int attempts, RetryPolicy backoff) {
      if (attempts < 1) {
        throw new IllegalArgumentException("at least one attempt");
      }
      this.maxAttempts = attempts;
      this.backoff = backoff;
      return this;
    }

    /** How long one attempt may wait for its whole answer (default 60 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    public ParcelgateClient build() {
      return new ParcelgateClient(this);
    }
  }
}
