package org.parcelgate.protocol;

import com.google.crypto.tink.subtle.Ed25519Verify;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures, and the checkpoints of
 * c2sp.org/tlog-checkpoint they carry: what the gateway's logs publish next to their JWS
 * checkpoints, so that standard transparency-log tooling (and witnesses) can check them.
 *
 * <p>A note is its text (lines ending in a newline), a blank line, and signature lines {@code —
 * name base64(keyId || signature)}; an Ed25519 key's id is {@code SHA-256(name || 0x0A || 0x01 ||
 * publicKey)[:4]}, and its verifier key (vkey) is {@code name+hex(keyId)+base64(0x01 ||
 * publicKey)}.
 */
public final class SignedNote {
  /** The signature type of Ed25519 note signatures. */
  public static final byte ED25519 = 0x01;

  /** The signature type of timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature). */
  public static final byte COSIGNATURE = 0x04;

  private static final String DASH = "\u2014 ";

  private final String text;
  private final List<Signature> signatures;

  /** One signature line: the key's name and id, and the signature. */
  public record Signature(String keyName, int keyId, byte[] signature) {}

  /** The checkpoint a note's text holds. */
  public record CheckpointBody(String origin, long treeSize, byte[] rootHash) {}

  /**
   * An Ed25519 verifier key, of note signatures ({@link #ED25519}) or of cosignatures ({@link
   * #COSIGNATURE}).
   */
  public record VerifierKey(String name, int keyId, byte type, byte[] publicKey) {

    /** An Ed25519 note signature key. */
    public VerifierKey(String name, int keyId, byte[] publicKey) {
      this(name, keyId, ED25519, publicKey);
    }

    /** Parses {@code name+hex(keyId)+base64(type || publicKey)}. */
    public static VerifierKey parse(String vkey) {
      // The base64 part may hold + itself: the name cannot, and the id is hex.
      String[] parts = vkey.split("\\+", 3);
      if (parts.length != 3 || parts[0].isEmpty() || parts[1].length() != 8) {
        throw new IllegalArgumentException("a verifier key is name+hex(key id)+base64(key)");
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(parts[2]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the verifier key's key is not base64");
      }
      if (key.length != 33 || (key[0] != ED25519 && key[0] != COSIGNATURE)) {
        throw new IllegalArgumentException(
            "the verifier key is not an Ed25519 note or cosignature key");
      }
      byte[] publicKey = Arrays.copyOfRange(key, 1, 33);
      int id;
      try {
        id = (int) Long.parseLong(parts[1], 16);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the verifier key's id is not hex");
      }
      if (id != SignedNote.keyId(parts[0], key[0], publicKey)) {
        throw new IllegalArgumentException("the verifier key's id does not match its name and key");
      }
      return new VerifierKey(parts[0], id, key[0], publicKey);
    }

    /** The key as text: {@code name+hex(keyId)+base64(type || publicKey)}. */
    public String encode() {
      byte[] typed = new byte[33];
      typed[0] = type;
      System.arraycopy(publicKey, 0, typed, 1, 32);
      return name
          + "+"
          + HexFormat.of().toHexDigits(keyId)
          + "+"
          + Base64.getEncoder().encodeToString(typed);
    }
  }

  private SignedNote(String text, List<Signature> signatures) {
    this.text = text;
    this.signatures = List.copyOf(signatures);
  }

  /** The Ed25519 key id: {@code SHA-256(name || 0x0A || 0x01 || publicKey)[:4]}, big-endian. */
  public static int keyId(String name, byte[] publicKey) {
    return keyId(name, ED25519, publicKey);
  }

  /** A key id: {@code SHA-256(name || 0x0A || type || publicKey)[:4]}, big-endian. */
  public static int keyId(String name, byte type, byte[] publicKey) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(name.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) '\n');
      sha256.update(type);
      sha256.update(publicKey);
      return ByteBuffer.wrap(sha256.digest(), 0, 4).getInt();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /** The text of a checkpoint: origin, tree size and base64 root hash, each on its line. */
  public static String checkpointText(String origin, long treeSize, byte[] rootHash) {
    if (origin.isEmpty() || origin.contains("\n") || origin.contains("+")) {
      throw new IllegalArgumentException("a checkpoint origin is one line without +");
    }
    return origin + "\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
  }

  /** The signature line of a signature of {@code text} by the key {@code name}. */
  public static String signatureLine(String name, int keyId, byte[] signature) {
    byte[] signed = ByteBuffer.allocate(4 + signature.length).putInt(keyId).put(signature).array();
    return DASH + name + " " + Base64.getEncoder().encodeToString(signed) + "\n";
  }

  /** Parses a signed note (its text, the blank line, its signature lines). */
  public static SignedNote parse(String note) {
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c < 0x20 && c != '\n') {
        throw new IllegalArgumentException("a note holds no control characters but newlines");
      }
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw new IllegalArgumentException("a note is its text, a blank line and signature lines");
    }
    String text = note.substring(0, split + 1);
    List<Signature> signatures = new ArrayList<>();
    for (String line : note.substring(split + 2, note.length() - 1).split("\n", -1)) {
      if (!line.startsWith(DASH)) {
        throw new IllegalArgumentException("a signature line starts with an em dash and a space");
      }
      String[] parts = line.substring(DASH.length()).split(" ", -1);
      if (parts.length != 2 || parts[0].isEmpty()) {
        throw new IllegalArgumentException("a signature line is a key name and a signature");
      }
      byte[] signed;
      try {
        signed = Base64.getDecoder().decode(parts[1]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a note signature is not base64");
      }
      if (signed.length < 5) {
        throw new IllegalArgumentException("a note signature is too short");
      }
      signatures.add(
          new Signature(
              parts[0],
              ByteBuffer.wrap(signed, 0, 4).getInt(),
              Arrays.copyOfRange(signed, 4, signed.length)));
    }
    if (signatures.isEmpty()) {
      throw new IllegalArgumentException("a note has at least one signature");
    }
    return new SignedNote(text, signatures);
  }

  public String text() {
    return text;
  }

  public List<Signature> signatures() {
    return signatures;
  }

  /**
   * The note's text if it carries a valid signature by {@code key}; a signature by another key is
   * ignored, as the specification says.
   *
   * @throws IllegalArgumentException when no signature is the key's, or the key's does not verify
   */
  public String verifiedText(VerifierKey key) {
    if (key.type() != ED25519) {
      throw new IllegalArgumentException("a cosigner's key verifies cosignatures, not notes");
    }
    for (Signature signature : signatures) {
      if (signature.keyName().equals(key.name()) && signature.keyId() == key.keyId()) {
        try {
          new Ed25519Verify(key.publicKey())
              .verify(signature.signature(), text.getBytes(StandardCharsets.UTF_8));
          return text;
        } catch (GeneralSecurityException e) {
          throw new IllegalArgumentException(
              "the note's signature by " + key.name() + " does not verify");
        }
      }
    }
    throw new IllegalArgumentException("the note carries no signature by " + key.name());
  }

  /**
   * The time of the note's cosignature by the cosigner {@code key} (c2sp.org/tlog-cosignature, an
   * Ed25519 signature over {@code cosignature/v1}, the time line and the checkpoint text).
   *
   * @throws IllegalArgumentException when no signature is the cosigner's, or it does not verify
   */
  public java.time.Instant cosignedAt(VerifierKey key) {
    if (key.type() != COSIGNATURE) {
      throw new IllegalArgumentException("the key is not a cosigner's");
    }
    for (Signature signature : signatures) {
      if (signature.keyName().equals(key.name()) && signature.keyId() == key.keyId()) {
        byte[] signed = signature.signature();
        if (signed.length != 8 + 64) {
          throw new IllegalArgumentException("a cosignature is a time and an Ed25519 signature");
        }
        long time = ByteBuffer.wrap(signed, 0, 8).getLong();
        try {
          new Ed25519Verify(key.publicKey())
              .verify(Arrays.copyOfRange(signed, 8, 72), cosignedMessage(text, time));
          return java.time.Instant.ofEpochSecond(time);
        } catch (GeneralSecurityException e) {
          throw new IllegalArgumentException(
              "the cosignature by " + key.name() + " does not verify");
        }
      }
    }
    throw new IllegalArgumentException("the note carries no cosignature by " + key.name());
  }

  /** What a cosigner signs: {@code cosignature/v1}, {@code time <seconds>}, the checkpoint text. */
  public static byte[] cosignedMessage(String checkpointText, long time) {
    if (time <= 0) {
      throw new IllegalArgumentException("a cosignature's time is after 1970");
    }
    return ("cosignature/v1\ntime " + time + "\n" + checkpointText)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The signature line of a cosignature: the time (8 bytes, big-endian), then the signature. */
  public static String cosignatureLine(String name, byte[] publicKey, long time, byte[] signature) {
    byte[] signed = ByteBuffer.allocate(8 + signature.length).putLong(time).put(signature).array();
    return signatureLine(name, keyId(name, COSIGNATURE, publicKey), signed);
  }

  /** The checkpoint of the note's text, if it is one. */
  public static CheckpointBody checkpoint(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length < 4 || lines[0].isEmpty()) {
      throw new IllegalArgumentException("a checkpoint is an origin, a tree size and a root hash");
    }
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a checkpoint's tree size is a decimal number");
    }
    if (size < 0 || !Long.toString(size).equals(lines[1])) {
      throw new IllegalArgumentException("a checkpoint's tree size has no sign or leading zero");
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a checkpoint's root hash is base64");
    }
    if (root.length != 32) {
      throw new IllegalArgumentException("a checkpoint's root hash is 32 bytes");
    }
    return new CheckpointBody(lines[0], size, root);
  }
}
