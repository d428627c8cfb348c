package org.parcelgate.witness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.subtle.Ed25519Sign;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.protocol.SignedNote;

/**
 * A witness of the C2SP tlog-witness protocol (c2sp.org/tlog-witness): for each log it is
 * configured with (origin and Ed25519 note key), it keeps the latest checkpoint it cosigned, and
 * cosigns a new one (c2sp.org/tlog-cosignature, Ed25519 with a timestamp) only if it is signed by
 * the log and a consistency proof shows it extends that one. It refuses a rollback or a fork: so a
 * gateway cannot show different histories to readers who require this witness's cosignature.
 *
 * <p>What it keeps lives in a state directory: its key ({@value #KEY_FILE}, created on first start,
 * readable by its owner only) and, per log, the latest cosigned checkpoint ({@value #STATE_FILE}),
 * written to a new file, forced to disk and renamed over the old one before a cosignature is given.
 * {@link #addCheckpoint} runs one request at a time, so the check of the old size and the update
 * are one step. Plain Java; blocking.
 */
public final class Witness {
  static final String KEY_FILE = "witness.key";
  static final String STATE_FILE = "witness-state.json";

  /** The most consistency proof lines a request may hold (the protocol's limit). */
  static final int MAX_PROOF_LINES = 63;

  private static final String EMPTY_ROOT =
      Base64.getEncoder().encodeToString(MerkleTree.root(List.of()));
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer of the protocol: the HTTP status, its content type and body. */
  public record Answer(int status, String contentType, String body) {
    static Answer text(int status, String body) {
      return new Answer(status, "text/plain; charset=utf-8", body + "\n");
    }
  }

  /** The latest checkpoint cosigned for a log: size, root, and the note as cosigned. */
  record Latest(long size, byte[] root, String note) {}

  private final String name;
  private final byte[] seed;
  private final byte[] publicKey;
  private final Map<String, SignedNote.VerifierKey> logs;
  private final Path directory;
  private final Clock clock;
  private final Map<String, Latest> latest = new HashMap<>();

  private Witness(
      String name,
      byte[] seed,
      Map<String, SignedNote.VerifierKey> logs,
      Path directory,
      Clock clock)
      throws GeneralSecurityException {
    this.name = name;
    this.seed = seed;
    this.publicKey = Ed25519Sign.KeyPair.newKeyPairFromSeed(seed).getPublicKey();
    this.logs = Map.copyOf(logs);
    this.directory = directory;
    this.clock = clock;
  }

  /**
   * Opens the witness {@code name} in {@code directory}: its key (made on first start) and what it
   * cosigned; it witnesses the logs of these note keys (each key's name is the log's origin).
   */
  public static Witness open(
      String name, List<SignedNote.VerifierKey> logKeys, Path directory, Clock clock)
      throws IOException {
    if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == '+')) {
      throw new IllegalArgumentException("a witness name has no spaces nor +");
    }
    Map<String, SignedNote.VerifierKey> logs = new HashMap<>();
    for (SignedNote.VerifierKey key : logKeys) {
      if (key.type() != SignedNote.ED25519) {
        throw new IllegalArgumentException("a log's key is an Ed25519 note key: " + key.name());
      }
      if (logs.put(key.name(), key) != null) {
        throw new IllegalArgumentException("two keys for the log " + key.name());
      }
    }
    Files.createDirectories(directory);
    try {
      Witness witness = new Witness(name, key(directory), logs, directory, clock);
      witness.load();
      return witness;
    } catch (GeneralSecurityException e) {
      throw new IOException("the witness key cannot be used", e);
    }
  }

  /** The witness's verifier key, of cosignatures: give it to those who require its cosignature. */
  public SignedNote.VerifierKey verifierKey() {
    return new SignedNote.VerifierKey(
        name,
        SignedNote.keyId(name, SignedNote.COSIGNATURE, publicKey),
        SignedNote.COSIGNATURE,
        publicKey.clone());
  }

  /**
   * {@code POST add-checkpoint}: an old size line, consistency proof lines, a blank line and a
   * checkpoint; the witness's cosignature line, or the protocol's refusal.
   */
  public synchronized Answer addCheckpoint(String body) {
    int blank = body.indexOf("\n\n");
    if (blank < 0 || !body.startsWith("old ")) {
      return Answer.text(
          400, "the body is an old size line, proof lines, a blank line, a checkpoint");
    }
    String[] head = body.substring(0, blank).split("\n", -1);
    long old;
    List<byte[]> proof = new ArrayList<>();
    SignedNote note;
    SignedNote.CheckpointBody checkpoint;
    try {
      old = decimal(head[0].substring("old ".length()));
      if (head.length - 1 > MAX_PROOF_LINES) {
        return Answer.text(400, "at most " + MAX_PROOF_LINES + " consistency proof lines");
      }
      for (int i = 1; i < head.length; i++) {
        byte[] hash = Base64.getDecoder().decode(head[i]);
        if (hash.length != 32) {
          return Answer.text(400, "a consistency proof line is a base64 SHA-256 hash");
        }
        proof.add(hash);
      }
      note = SignedNote.parse(body.substring(blank + 2));
      checkpoint = SignedNote.checkpoint(note.text());
    } catch (IllegalArgumentException e) {
      return Answer.text(400, "malformed: " + e.getMessage());
    }
    SignedNote.VerifierKey logKey = logs.get(checkpoint.origin());
    if (logKey == null) {
      return Answer.text(404, "this witness does not witness " + checkpoint.origin());
    }
    try {
      note.verifiedText(logKey);
    } catch (IllegalArgumentException e) {
      return Answer.text(403, e.getMessage());
    }
    if (old > checkpoint.treeSize()) {
      return Answer.text(400, "the old size is larger than the checkpoint's");
    }
    Latest known = latest.get(checkpoint.origin());
    long knownSize = known == null ? 0 : known.size();
    if (old != knownSize) {
      return new Answer(409, "text/x.tlog.size", knownSize + "\n");
    }
    if (checkpoint.treeSize() == 0
        && !Base64.getEncoder().encodeToString(checkpoint.rootHash()).equals(EMPTY_ROOT)) {
      return Answer.text(422, "a checkpoint of size 0 has the empty tree's root");
    }
    if (old == 0 && !proof.isEmpty()) {
      return Answer.text(422, "from size 0 the consistency proof is empty");
    }
    if (known != null && old > 0) {
      boolean consistent =
          old == checkpoint.treeSize()
              ? proof.isEmpty() && MessageDigest.isEqual(known.root(), checkpoint.rootHash())
              : MerkleTree.verifyConsistency(
                  old, checkpoint.treeSize(), known.root(), checkpoint.rootHash(), proof);
      if (!consistent) {
        return Answer.text(
            422,
            old == checkpoint.treeSize()
                ? "another root at the size cosigned last: a fork"
                : "the consistency proof from the size cosigned last does not verify");
      }
    }
    long time = Math.max(1, clock.instant().getEpochSecond());
    String cosignature;
    try {
      byte[] signature = new Ed25519Sign(seed).sign(SignedNote.cosignedMessage(note.text(), time));
      cosignature = SignedNote.cosignatureLine(name, publicKey, time, signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the witness cannot sign", e);
    }
    Map<String, Latest> next = new HashMap<>(latest);
    next.put(
        checkpoint.origin(),
        new Latest(
            checkpoint.treeSize(),
            checkpoint.rootHash(),
            logSignedNote(note, logKey) + cosignature));
    persist(next);
    latest.clear();
    latest.putAll(next);
    return new Answer(200, "text/plain; charset=utf-8", cosignature);
  }

  /**
   * The latest checkpoint cosigned for the log whose origin hashes (SHA-256, lowercase hex) to
   * {@code originHash}, with the log's signature and this witness's cosignature; empty if none.
   */
  public synchronized Optional<String> checkpoint(String originHash) {
    for (Map.Entry<String, Latest> entry : latest.entrySet()) {
      if (sha256Hex(entry.getKey()).equals(originHash)) {
        return Optional.of(entry.getValue().note());
      }
    }
    return Optional.empty();
  }

  /** The note's text with the log's own signature lines only. */
  private static String logSignedNote(SignedNote note, SignedNote.VerifierKey logKey) {
    StringBuilder out = new StringBuilder(note.text()).append('\n');
    for (SignedNote.Signature signature : note.signatures()) {
      if (signature.keyName().equals(logKey.name()) && signature.keyId() == logKey.keyId()) {
        out.append(
            SignedNote.signatureLine(
                signature.keyName(), signature.keyId(), signature.signature()));
      }
    }
    return out.toString();
  }

  private static long decimal(String text) {
    if (!text.matches("0|[1-9][0-9]{0,18}")) {
      throw new IllegalArgumentException("a size is a decimal number without leading zeroes");
    }
    return Long.parseLong(text);
  }

  /** The origin hash of the monitors' path: SHA-256 of the origin, lowercase hex. */
  static String sha256Hex(String text) {
    return Digests.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The key's seed from its file, or a new one written to it (owner only) on first start. */
  private static byte[] key(Path directory) throws IOException {
    Path file = directory.resolve(KEY_FILE);
    if (Files.exists(file)) {
      byte[] seed = Base64.getDecoder().decode(Files.readString(file).strip());
      if (seed.length != 32) {
        throw new IOException(KEY_FILE + " does not hold a 32-byte Ed25519 seed");
      }
      return seed;
    }
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    Path temporary = directory.resolve(KEY_FILE + ".new");
    Files.deleteIfExists(temporary);
    Files.createFile(
        temporary,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    write(temporary, Base64.getEncoder().encodeToString(seed) + "\n");
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    return seed;
  }

  private void load() throws IOException {
    Path file = directory.resolve(STATE_FILE);
    if (!Files.exists(file)) {
      return;
    }
    ObjectNode state = (ObjectNode) JSON.readTree(file.toFile());
    for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it =
            state.path("logs").fields();
        it.hasNext(); ) {
      Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> log = it.next();
      latest.put(
          log.getKey(),
          new Latest(
              log.getValue().path("size").asLong(),
              Base64.getDecoder().decode(log.getValue().path("root").asText()),
              log.getValue().path("note").asText()));
    }
  }

  /** Writes the state to a new file, forces it to disk and renames it over the old one. */
  private void persist(Map<String, Latest> state) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode logsNode = root.putObject("logs");
    state.forEach(
        (origin, log) ->
            logsNode
                .putObject(origin)
                .put("size", log.size())
                .put("root", Base64.getEncoder().encodeToString(log.root()))
                .put("note", log.note()));
    try {
      Path temporary = directory.resolve(STATE_FILE + ".new");
      write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
      Files.move(
          temporary,
          directory.resolve(STATE_FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the witness state cannot be written", e);
    }
  }

  private static void write(Path file, String content) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
      channel.force(true);
    }
  }
}
