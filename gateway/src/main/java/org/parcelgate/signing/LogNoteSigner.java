package org.parcelgate.signing;

import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.subtle.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import org.parcelgate.protocol.SignedNote;

/**
 * Signs the logs' checkpoints as C2SP signed notes (c2sp.org/tlog-checkpoint) with an Ed25519 key,
 * the signature standard transparency-log tooling and witnesses check. The key is derived from the
 * gateway's active signing key (HKDF-SHA-256 over its private part, info {@value #INFO}), so it
 * needs no file of its own and is as secret as that key; rotating the signing key rotates it (its
 * verifier key changes: tell those who check the notes). Ed25519 signatures are deterministic: the
 * same checkpoint signed again is the same note. Thread-safe.
 */
public final class LogNoteSigner {
  static final String INFO = "parcelgate log note key, Ed25519, v1";

  private final byte[] seed;
  private final byte[] publicKey;

  private LogNoteSigner(byte[] seed) throws GeneralSecurityException {
    this.seed = seed;
    this.publicKey = Ed25519Sign.KeyPair.newKeyPairFromSeed(seed).getPublicKey();
  }

  /** The note key derived from the gateway's active signing key. */
  public static LogNoteSigner derivedFrom(GatewaySigningKeys keys) {
    Object secret = keys.activeKey().toJSONObject().get("d");
    if (!(secret instanceof String d)) {
      throw new IllegalStateException("the gateway's signing key has no private part");
    }
    try {
      return new LogNoteSigner(
          Hkdf.computeHkdf(
              "HMACSHA256",
              Base64.getUrlDecoder().decode(d),
              new byte[0],
              INFO.getBytes(StandardCharsets.UTF_8),
              32));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the log note key cannot be derived", e);
    }
  }

  /** The verifier key of this key under the key name {@code name}. */
  public SignedNote.VerifierKey verifierKey(String name) {
    return new SignedNote.VerifierKey(name, SignedNote.keyId(name, publicKey), publicKey.clone());
  }

  /** The signed note of a checkpoint, signed by this key under the name {@code origin}. */
  public String signCheckpoint(String origin, long treeSize, byte[] rootHash) {
    String text = SignedNote.checkpointText(origin, treeSize, rootHash);
    try {
      byte[] signature = new Ed25519Sign(seed).sign(text.getBytes(StandardCharsets.UTF_8));
      return text
          + "\n"
          + SignedNote.signatureLine(origin, SignedNote.keyId(origin, publicKey), signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a checkpoint note cannot be signed", e);
    }
  }
}
