package org.parcelgate.privacy;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.signing.CheckpointSigner;
import org.parcelgate.signing.LogNoteSigner;
import org.parcelgate.store.ActionCount;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.LogAppend;
import org.parcelgate.store.LogName;
import org.parcelgate.store.LogNode;
import org.parcelgate.store.LogQuery;
import org.parcelgate.store.LogRow;
import org.parcelgate.store.LogTree;
import org.parcelgate.store.StoredCheckpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the gateway's signed logs ({@link LogName}) as privacy officers see it: entries,
 * aggregates (of the minimization log), signed checkpoints, inclusion and consistency proofs (RFC
 * 9162), and a full verification of the stored log against its checkpoints. The minimization log's
 * entries are appended with the batches they describe; privacy officers' reads go to the access log
 * ({@link OfficerReads}).
 *
 * <p>Plain Java over the blocking store: call it from worker threads.
 */
public final class SignedLog {
  /** Entries read per round trip while verifying. */
  private static final int VERIFY_CHUNK = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(SignedLog.class);

  private final LogName name;
  private final GatewayStore store;
  private final CheckpointSigner signer;
  private final CheckpointVerifier verifier;
  private final LogNoteSigner notes;
  private final String origin;
  private final Clock clock;

  /**
   * @param notes signs the checkpoints as C2SP signed notes too
   * @param gatewayId the gateway's id: the notes' origin is {@code <gatewayId>/<log>-log}
   */
  public SignedLog(
      LogName name,
      GatewayStore store,
      CheckpointSigner signer,
      CheckpointVerifier verifier,
      LogNoteSigner notes,
      String gatewayId,
      Clock clock) {
    this.name = name;
    this.notes = notes;
    this.origin = gatewayId + "/" + name.wireName() + "-log";
    this.store = store;
    this.signer = signer;
    this.verifier = verifier;
    this.clock = clock;
  }

  /** An inclusion proof: the audit path of leaf {@code index} in the tree of {@code treeSize}. */
  public record InclusionProof(
      long index, long treeSize, String leafHash, List<String> auditPath) {}

  /** A consistency proof between the trees of {@code first} and {@code second} entries. */
  public record ConsistencyProof(long first, long second, List<String> proof) {}

  /**
   * The stored log checked end to end: every entry's text against its leaf hash, indexes without
   * gaps, and every stored checkpoint's signature and root against the entries.
   */
  public record Verification(
      boolean verified,
      long treeSize,
      String rootHash,
      Optional<Checkpoint> checkpoint,
      List<String> problems) {}

  public LogName name() {
    return name;
  }

  /** The origin line of the log's checkpoint notes, and the name of the key that signs them. */
  public String origin() {
    return origin;
  }

  /**
   * A checkpoint as a C2SP tlog-checkpoint signed note, signed with the log's Ed25519 note key: the
   * same tree size and root as its JWS, for transparency-log tooling and witnesses.
   */
  public String note(StoredCheckpoint checkpoint) {
    return notes.signCheckpoint(
        origin, checkpoint.treeSize(), Base64.getUrlDecoder().decode(checkpoint.rootHash()));
  }

  /**
   * The largest checkpoint witnesses cosigned, as a note with the log's signature and their
   * cosignature lines, and the names of the witnesses; empty before any cosigned one.
   */
  public Optional<Witnessed> witnessed() {
    OptionalLong size = store.lastCosigned(name);
    if (size.isEmpty()) {
      return Optional.empty();
    }
    Optional<StoredCheckpoint> checkpoint = store.checkpoint(name, size.getAsLong());
    if (checkpoint.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> cosignatures = store.cosignatures(name, size.getAsLong());
    return Optional.of(
        new Witnessed(
            checkpoint.get(),
            note(checkpoint.get()) + String.join("", cosignatures.values()),
            List.copyOf(cosignatures.keySet())));
  }

  /** A checkpoint with witnesses' cosignatures: its note and the witnesses' names. */
  public record Witnessed(StoredCheckpoint checkpoint, String note, List<String> witnesses) {}

  /** Stores a witness's cosignature line of the checkpoint of {@code treeSize}. */
  public void saveCosignature(long treeSize, String witness, String cosignature) {
    store.saveCosignature(name, treeSize, witness, cosignature);
  }

  /** The largest size of this log {@code witness} cosigned, or 0. */
  public long lastCosigned(String witness) {
    return store.lastCosigned(name, witness).orElse(0);
  }

  /** Hashes (or entries) per full tile of c2sp.org/tlog-tiles. */
  public static final int TILE_WIDTH = 256;

  /** The highest tile level served: 256^8 leaves would pass the 64-bit range. */
  public static final int MAX_TILE_LEVEL = 7;

  /**
   * A tile of c2sp.org/tlog-tiles: the {@code width} tree hashes from hash {@code index * 256} of
   * tile level {@code level} (tree level {@code 8 * level}), concatenated; empty when the tree does
   * not hold them yet.
   */
  public Optional<byte[]> tile(int level, long index, int width) {
    long first = index * TILE_WIDTH;
    if (!tileAvailable(level, index, width)) {
      return Optional.empty();
    }
    List<byte[]> hashes = store.logHashes(name, 8 * level, first, first + width);
    if (hashes.size() != width) {
      return Optional.empty();
    }
    byte[] tile = new byte[32 * width];
    for (int i = 0; i < width; i++) {
      System.arraycopy(hashes.get(i), 0, tile, 32 * i, 32);
    }
    return Optional.of(tile);
  }

  /**
   * An entry bundle of c2sp.org/tlog-tiles: the {@code width} entries from entry {@code index *
   * 256}, each as a big-endian uint16 length and its exact text's UTF-8 bytes; empty when the log
   * does not hold them yet.
   */
  public Optional<byte[]> entryBundle(long index, int width) {
    if (!tileAvailable(0, index, width)) {
      return Optional.empty();
    }
    long first = index * TILE_WIDTH;
    List<LogRow> rows = store.logRange(name, first, first + width);
    if (rows.size() != width) {
      return Optional.empty();
    }
    java.io.ByteArrayOutputStream bundle = new java.io.ByteArrayOutputStream(width * 2048);
    for (LogRow row : rows) {
      byte[] entry = row.entry().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (entry.length > 0xFFFF) {
        throw new IllegalStateException("entry " + row.index() + " is too long for a bundle");
      }
      bundle.write(entry.length >> 8);
      bundle.write(entry.length & 0xFF);
      bundle.writeBytes(entry);
    }
    return Optional.of(bundle.toByteArray());
  }

  private boolean tileAvailable(int level, long index, int width) {
    if (level < 0 || level > MAX_TILE_LEVEL || width < 1 || width > TILE_WIDTH || index < 0) {
      return false;
    }
    long perHash = 1L << (8 * level);
    long hashes = store.logSize(name) / perHash;
    return index <= (Long.MAX_VALUE - width) / TILE_WIDTH && index * TILE_WIDTH + width <= hashes;
  }

  /** The verifier key of the log's checkpoint notes: {@code name+hex(keyId)+base64(key)}. */
  public String noteKey() {
    return notes.verifierKey(origin).encode();
  }

  /** Appends an entry in its own transaction; returns its index. */
  long append(LogAppend entry) {
    return store.appendLog(name, entry);
  }

  public long size() {
    return store.logSize(name);
  }

  public List<LogRow> entries(LogQuery query) {
    return store.logEntries(name, query);
  }

  /**
   * Values touched per period, field path and action, over the minimization entries matching the
   * filter: the minimization log's alone, the only one whose entries count field values.
   */
  public List<ActionCount> actionCounts(LogQuery filter, Duration bucket) {
    if (name != LogName.MINIMIZATION) {
      throw new IllegalStateException("only the minimization log counts field values");
    }
    return store.actionCounts(filter, bucket);
  }

  /**
   * The latest checkpoint; a new one is signed and stored first when the log grew since the last.
   */
  public StoredCheckpoint checkpoint() {
    long size = store.logSize(name);
    Optional<StoredCheckpoint> latest = store.latestCheckpoint(name);
    if (latest.isPresent() && latest.get().treeSize() >= size) {
      return latest.get();
    }
    String root = encode(store.logRoot(name, size));
    Instant now = clock.instant();
    StoredCheckpoint signed =
        new StoredCheckpoint(size, root, now, signer.sign(name.wireName(), size, root, now));
    store.saveCheckpoint(name, signed);
    // A witness outside the database: log shipping keeps every head the gateway signed.
    LOG.info("{} log checkpoint signed: tree size {}, root hash {}", name.wireName(), size, root);
    return store.latestCheckpoint(name).orElse(signed);
  }

  public InclusionProof inclusionProof(long index, long treeSize) {
    long size = store.logSize(name);
    if (treeSize < 1 || treeSize > size || index < 0 || index >= treeSize) {
      throw new GatewayException(
          ProblemCode.INVALID_LOG_RANGE,
          "the index must be below the tree size, which must be from 1 to " + size);
    }
    List<byte[]> path = store.logInclusionProof(name, index, treeSize);
    byte[] leafHash =
        store.logRange(name, index, index + 1).stream()
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("the log has no entry " + index))
            .leafHash();
    return new InclusionProof(
        index, treeSize, encode(leafHash), path.stream().map(SignedLog::encode).toList());
  }

  public ConsistencyProof consistencyProof(long first, long second) {
    long size = store.logSize(name);
    if (first < 1 || first > second || second > size) {
      throw new GatewayException(
          ProblemCode.INVALID_LOG_RANGE, "the sizes must satisfy 1 <= first <= second <= " + size);
    }
    return new ConsistencyProof(
        first,
        second,
        store.logConsistencyProof(name, first, second).stream().map(SignedLog::encode).toList());
  }

  /**
   * Verifies the whole stored log against its stored checkpoints, in one pass over the entries. The
   * checkpoints are read before the log's size: a checkpoint signed while this runs is left for the
   * next verification, never taken for entries gone missing.
   *
   * <p>The same pass checks the stored tree nodes, from which checkpoints and proofs are computed,
   * against the stored leaf hashes; the first node that differs is reported. Reads the log in
   * chunks, holding one chunk and O(log n) hashes at a time.
   */
  public Verification verify() {
    List<StoredCheckpoint> stored = store.checkpoints(name);
    long size = store.logSize(name);
    List<String> problems = new ArrayList<>();
    List<Checkpoint> checkpoints = new ArrayList<>();
    for (StoredCheckpoint row : stored) {
      try {
        Checkpoint checkpoint = verifier.verify(row.jws(), name.wireName());
        if (checkpoint.treeSize() != row.treeSize()
            || !checkpoint.rootHash().equals(row.rootHash())) {
          problems.add("checkpoint of size " + row.treeSize() + " differs from its signed form");
        } else {
          checkpoints.add(checkpoint);
        }
      } catch (IllegalArgumentException e) {
        problems.add("checkpoint of size " + row.treeSize() + ": " + e.getMessage());
      }
    }
    // Smallest first (the store's order): each is checked when the pass reaches its size.
    int next = 0;
    MerkleTree.Accumulator tree = new MerkleTree.Accumulator();
    LogTree.Growth storedTree = new LogTree.Growth();
    String nodeProblem = null;
    next = checkReached(tree, checkpoints, next, problems);
    for (long from = 0; from < size; from += VERIFY_CHUNK) {
      long to = Math.min(size, from + VERIFY_CHUNK);
      Map<NodeKey, byte[]> nodes = new HashMap<>();
      for (LogNode node : store.logNodesCompletedBy(name, from, to)) {
        nodes.put(new NodeKey(node.level(), node.index()), node.hash());
      }
      for (LogRow row : store.logRange(name, from, to)) {
        if (row.index() != tree.size()) {
          problems.add("entry " + tree.size() + " is missing");
          return new Verification(false, size, "", Optional.empty(), problems);
        }
        byte[] recomputed = LogEntries.leafHash(row.entry());
        if (!MessageDigest.isEqual(recomputed, row.leafHash())) {
          problems.add("entry " + row.index() + " does not match its leaf hash");
        }
        tree.append(recomputed);
        for (LogNode expected : storedTree.append(row.leafHash())) {
          byte[] found = nodes.get(new NodeKey(expected.level(), expected.index()));
          if (nodeProblem == null
              && (found == null || !MessageDigest.isEqual(found, expected.hash()))) {
            nodeProblem =
                "the stored tree node at level "
                    + expected.level()
                    + ", index "
                    + expected.index()
                    + (found == null ? " is missing" : " does not match the leaf hashes below it")
                    + ": checkpoints and proofs computed from it are wrong";
          }
        }
        next = checkReached(tree, checkpoints, next, problems);
      }
    }
    if (nodeProblem != null) {
      problems.add(nodeProblem);
    }
    if (tree.size() != size) {
      problems.add("the log holds " + tree.size() + " entries in sequence, not " + size);
    }
    for (Checkpoint beyond : checkpoints.subList(next, checkpoints.size())) {
      problems.add(
          "checkpoint of size " + beyond.treeSize() + " covers entries the log no longer holds");
    }
    Optional<Checkpoint> latest =
        checkpoints.isEmpty()
            ? Optional.empty()
            : Optional.of(checkpoints.get(checkpoints.size() - 1));
    return new Verification(problems.isEmpty(), tree.size(), encode(tree.root()), latest, problems);
  }

  private record NodeKey(int level, long index) {}

  /** Compares every checkpoint whose size the pass has reached; returns the next unchecked one. */
  private static int checkReached(
      MerkleTree.Accumulator tree, List<Checkpoint> checkpoints, int next, List<String> problems) {
    while (next < checkpoints.size() && checkpoints.get(next).treeSize() == tree.size()) {
      Checkpoint checkpoint = checkpoints.get(next++);
      if (!encode(tree.root()).equals(checkpoint.rootHash())) {
        problems.add(
            "the first "
                + checkpoint.treeSize()
                + " entries do not match the root hash of their signed checkpoint");
      }
    }
    return next;
  }

  static String encode(byte[] hash) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
  }
}
