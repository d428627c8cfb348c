package org.parcelgate.risk;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * The recent consignments of one buyer pseudonym from one seller of one marketplace to one
 * destination, as the split-consignment detector keeps them: per transaction id its latest version,
 * order time and intrinsic value in euro cents. Stored as risk state of kind {@link #KIND}, with a
 * leading version byte; at most {@link #MAX_ENTRIES} entries.
 */
final class SplitGroup {
  static final String KIND = "split-group";

  /** The most consignments a group keeps; beyond, those with the oldest order times go. */
  static final int MAX_ENTRIES = 50;

  private static final int VERSION = 1;

  /** One consignment of the group. */
  record Entry(String transactionId, int version, Instant orderTime, long valueEurCents) {}

  private final List<Entry> entries;

  private SplitGroup(List<Entry> entries) {
    this.entries = entries;
  }

  /** Bytes of the SHA-256 a group's stored key keeps: 128 bits, so two groups never share one. */
  private static final int KEY_BYTES = 16;

  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
          });

  /**
   * The group's state key: the first 128 bits of the SHA-256 of its four fields joined by newlines,
   * in base64url (22 characters). Almost every record makes a group of its own, so the table and
   * index holding groups are mostly new keys: a short key of fixed length puts twice as many on an
   * index page as the fields did (some 77 characters), and keeps the pseudonym and the seller out
   * of the key.
   */
  static StateKey key(String marketplaceId, String buyer, String seller, String destination) {
    return new StateKey(
        KIND, storedKey(marketplaceId + "\n" + buyer + "\n" + seller + "\n" + destination));
  }

  /** The stored key of a group whose fields, joined by newlines, are {@code fields}. */
  static String storedKey(String fields) {
    MessageDigest sha = SHA_256.get();
    byte[] digest = sha.digest(fields.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, KEY_BYTES));
  }

  List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The entry of a transaction id, or null. */
  Entry entry(String transactionId) {
    for (Entry e : entries) {
      if (e.transactionId().equals(transactionId)) {
        return e;
      }
    }
    return null;
  }

  /**
   * The entries within the threshold whose order times are at most {@code window} from {@code
   * time}, by order time and then transaction id.
   */
  List<Entry> near(Instant time, Duration window, long thresholdEurCents) {
    Instant from = time.minus(window);
    Instant to = time.plus(window);
    List<Entry> near = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      if (e.valueEurCents() <= thresholdEurCents
          && !e.orderTime().isBefore(from)
          && !e.orderTime().isAfter(to)) {
        near.add(e);
      }
    }
    if (near.size() > 1) {
      near.sort(BY_TIME_AND_ID);
    }
    return near;
  }

  private static final Comparator<Entry> BY_TIME_AND_ID =
      Comparator.comparing(Entry::orderTime).thenComparing(Entry::transactionId);

  /** Removes the entry of a transaction id, if any. */
  void remove(String transactionId) {
    entries.removeIf(e -> e.transactionId().equals(transactionId));
  }

  /** Adds or replaces the entry of its transaction id. */
  void put(Entry entry) {
    remove(entry.transactionId());
    entries.add(entry);
  }

  /**
   * Forgets entries whose order time is more than twice {@code window} before the newest order
   * time, and the oldest entries beyond {@link #MAX_ENTRIES}. Twice: a consignment ordered up to a
   * window before the newest one (arriving late) still finds every entry within a window of its
   * own.
   */
  void prune(Duration window) {
    if (entries.isEmpty()) {
      return;
    }
    Instant newest = entries.get(0).orderTime();
    for (Entry e : entries) {
      if (e.orderTime().isAfter(newest)) {
        newest = e.orderTime();
      }
    }
    Instant oldest = newest.minus(window).minus(window);
    entries.removeIf(e -> e.orderTime().isBefore(oldest));
    if (entries.size() > MAX_ENTRIES) {
      entries.sort(
          Comparator.comparing(Entry::orderTime).thenComparing(Entry::transactionId).reversed());
      entries.subList(MAX_ENTRIES, entries.size()).clear();
    }
  }

  static SplitGroup empty() {
    return new SplitGroup(new ArrayList<>());
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeShort(entries.size());
      for (Entry e : entries) {
        out.writeUTF(e.transactionId());
        out.writeInt(e.version());
        out.writeLong(e.orderTime().toEpochMilli());
        out.writeLong(e.valueEurCents());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The group encoded by {@link #encode}; null gives an empty group. */
  static SplitGroup decode(byte[] encoded) {
    if (encoded == null) {
      return empty();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      if (in.readByte() != VERSION) {
        throw new IllegalArgumentException("unknown split group version");
      }
      List<Entry> entries = new ArrayList<>();
      for (int i = in.readUnsignedShort(); i > 0; i--) {
        entries.add(
            new Entry(
                in.readUTF(), in.readInt(), Instant.ofEpochMilli(in.readLong()), in.readLong()));
      }
      return new SplitGroup(entries);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed split group", e);
    }
  }
}
