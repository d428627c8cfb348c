package org.parcelgate.cli.load;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.parcelgate.protocol.JoseTypes;
import org.parcelgate.protocol.RequestToken;
import org.parcelgate.protocol.SignatureAlgorithms;

/**
 * Prepares requests ahead of the senders, so that encoding batches and signing tokens (about half a
 * millisecond for ES256, more for PS256, on the JDK provider) stay off the timed path: a few
 * threads fill one bounded queue per caller, request {@code k} for caller {@code k % callers}. The
 * run waits until every queue is full before its timer starts; during the run the threads keep them
 * full, and a sender that finds its queue empty waits (counted: the client was the bottleneck).
 *
 * <p>A token is issued when its request is prepared and lives {@link
 * RequestToken#DEFAULT_LIFETIME}; a request whose token has less than {@link #FRESHNESS_MARGIN}
 * left is discarded (counted) rather than sent, so a long queue never sends expired tokens.
 */
final class Preparer implements AutoCloseable {
  static final Duration FRESHNESS_MARGIN = Duration.ofSeconds(30);

  private final List<Caller> callers;
  private final Workload workload;
  private final boolean whoami;
  private final String audience;
  private final Clock clock;
  private final List<BlockingQueue<PreparedRequest>> queues = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong next = new AtomicLong();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final long maxAgeNanos;
  private final LongAdder stale = new LongAdder();
  private final ThreadLocal<Map<String, JWSSigner>> signers = ThreadLocal.withInitial(HashMap::new);
  private volatile boolean stopped;
  private volatile int level = Integer.MAX_VALUE;

  /**
   * @param workload the batches, or {@code null} for {@code whoami} requests
   * @param ahead requests kept ready per caller
   */
  Preparer(
      List<Caller> callers,
      Workload workload,
      String audience,
      Clock clock,
      int ahead,
      int threads) {
    this.callers = List.copyOf(callers);
    this.workload = workload;
    this.whoami = workload == null;
    this.audience = audience;
    this.clock = clock;
    this.maxAgeNanos = RequestToken.DEFAULT_LIFETIME.minus(FRESHNESS_MARGIN).toNanos();
    for (int i = 0; i < callers.size(); i++) {
      queues.add(new ArrayBlockingQueue<>(ahead));
    }
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(this::prepareUntilStopped, "load-preparer-" + i);
      thread.setDaemon(true);
      this.threads.add(thread);
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  /**
   * Waits until every caller's queue is full, or {@code atMost} has passed; fails if a preparer
   * failed.
   */
  void awaitFull(Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    for (BlockingQueue<PreparedRequest> queue : queues) {
      while (queue.remainingCapacity() > 0 && System.nanoTime() < deadline) {
        rethrow();
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }
    rethrow();
    // From now on only what the senders take is replaced: the queues stay at the level reached,
    // so preparing never takes more of the machine than the run consumes.
    level = Math.max(1, (int) queues.stream().mapToInt(BlockingQueue::size).min().orElse(1));
  }

  /** Requests ready now, over all callers. */
  long ready() {
    return queues.stream().mapToLong(BlockingQueue::size).sum();
  }

  /** The next fresh request of {@code caller}, or {@code null} if none is ready. */
  PreparedRequest poll(int caller) {
    rethrow();
    long now = System.nanoTime();
    PreparedRequest request;
    while ((request = queues.get(caller).poll()) != null) {
      if (now - request.issuedAtNanos() < maxAgeNanos) {
        return request;
      }
      stale.increment();
    }
    return null;
  }

  /** Requests discarded because their token had grown too old in the queue. */
  long stale() {
    return stale.sum();
  }

  /** Requests prepared so far. */
  long prepared() {
    return next.get();
  }

  @Override
  public void close() {
    stopped = true;
    threads.forEach(Thread::interrupt);
  }

  private void prepareUntilStopped() {
    try {
      while (!stopped) {
        long k = next.getAndIncrement();
        int caller = (int) (k % callers.size());
        BlockingQueue<PreparedRequest> queue = queues.get(caller);
        PreparedRequest request = prepare(k, callers.get(caller));
        while (queue.size() >= level && !stopped) {
          TimeUnit.MILLISECONDS.sleep(1);
        }
        queue.put(request);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  private PreparedRequest prepare(long k, Caller caller) {
    byte[] body = whoami ? null : workload.batch(k, caller.partnerId());
    long issued = System.nanoTime();
    RequestToken claims =
        RequestToken.of(caller.partnerId(), audience, caller.thumbprint(), body, clock.instant());
    String token = sign(claims, caller);
    return new PreparedRequest(
        (int) (k % callers.size()),
        body,
        "Bearer " + token,
        whoami ? 0 : workload.batchSize(),
        issued);
  }

  /**
   * Signs as {@link RequestToken#sign} does, with a signer kept per thread and caller: making a
   * signer converts the JWK to a key every time. ECDSA signs with Bouncy Castle, which the gateway
   * also uses to verify.
   */
  private String sign(RequestToken claims, Caller caller) {
    JWSSigner signer =
        signers.get().computeIfAbsent(caller.partnerId(), id -> signer(caller.signingKey()));
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(SignatureAlgorithms.require(caller.signingKey()))
                .type(JoseTypes.REQUEST)
                .keyID(caller.signingKey().getKeyID())
                .build(),
            claims.claims());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token of " + caller.partnerId(), e);
    }
    return jwt.serialize();
  }

  private static JWSSigner signer(JWK key) {
    JWSSigner signer = SignatureAlgorithms.signer(key);
    if (signer instanceof ECDSASigner) {
      signer.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
    }
    return signer;
  }

  private void rethrow() {
    RuntimeException e = failure.get();
    if (e != null) {
      throw new IllegalStateException("preparing requests failed: " + e.getMessage(), e);
    }
  }
}
