package org.parcelgate.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms for one recipient: {@code HMAC-SHA-256(secret, fieldPath || 0x00 || scope ||
 * 0x00 || value)}, written as {@code p<keyVersion>_<base64url>}. The scope is the marketplace the
 * value came from: a buyer id means nothing outside its marketplace, so the same id at two
 * marketplaces must not look like one buyer. The same value in the same field always gives the same
 * pseudonym for this recipient and key version, so a customs administration can link a buyer's
 * orders (split consignments) without learning who the buyer is; another recipient, with another
 * secret, gets unrelated pseudonyms and cannot link its data with this one's. Rotating the key (a
 * new version) deliberately breaks linkability across the rotation.
 *
 * <p>The secret never leaves this object and is never logged. Thread-safe: each thread keys its own
 * {@link Mac}.
 */
public final class Pseudonymizer {
  /** Secrets shorter than this are refused: HMAC-SHA-256 wants at least its output size. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final Pattern RECIPIENT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private final String recipient;
  private final int keyVersion;
  private final SecretKeySpec key;

  /** One initialized MAC per thread: making and keying one per call costs more than the HMAC. */
  private final ThreadLocal<Mac> macs;

  public Pseudonymizer(String recipient, int keyVersion, byte[] secret) {
    if (!RECIPIENT.matcher(recipient).matches()) {
      throw new IllegalArgumentException("recipient ids are lower-case letters, digits and dashes");
    }
    if (keyVersion < 1) {
      throw new IllegalArgumentException("key versions start at 1");
    }
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "a pseudonym secret needs at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.recipient = recipient;
    this.keyVersion = keyVersion;
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  public String recipient() {
    return recipient;
  }

  public int keyVersion() {
    return keyVersion;
  }

  /**
   * The pseudonym of {@code value} in the field {@code fieldPath} (for example {@code
   * buyer.buyerId}) from the marketplace {@code scope}.
   */
  public String pseudonym(String fieldPath, String scope, String value) {
    Mac mac = macs.get();
    mac.reset();
    mac.update(fieldPath.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    mac.update(scope.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    return "p" + keyVersion + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  }

  @Override
  public String toString() {
    // Never the secret.
    return "Pseudonymizer[" + recipient + ", key version " + keyVersion + "]";
  }
}
