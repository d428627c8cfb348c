package org.parcelgate.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One row of the split log ({@link SplitLog}, migration V15): up to {@link #GROUPS} consecutive
 * split groups of a recipient in one byte string, each with its key, expiry and value.
 *
 * <p>Why: a row per group cost the store's one writer a row and two index entries per group, some 4
 * to 6 µs each, for about 0.8 groups per record assessed; it was most of what risk added to the
 * writer. Packed {@value #GROUPS} to a row, a checkpoint writes a sixteenth of the rows and index
 * entries for the same groups. A page stays small enough (about 1.5 KB) that a look-up of one group
 * reads one database page.
 *
 * <p>The groups of a page take the positions from the page's own ({@code seq}) on, and a page
 * starts only at a multiple of {@value #GROUPS} plus one, so the page of a group's position is
 * found by arithmetic ({@link #of}) and the index in memory keeps only the group's position.
 *
 * <p>Layout: a version byte, then per group its key (unsigned 16-bit length, UTF-8), a byte 1 and
 * its expiry in microseconds or a byte 0 for a value kept, and its value (32-bit length, bytes).
 */
final class SplitPage {
  /** Groups a page holds at most. */
  static final int GROUPS = 16;

  private static final byte VERSION = 1;

  private SplitPage() {}

  /** A group read from a page. */
  record Group(String key, byte[] value, Long expiresMicros) {}

  /** The position of the page that holds the group at {@code seq} (positions start at 1). */
  static long of(long seq) {
    return Math.floorDiv(seq - 1, GROUPS) * GROUPS + 1;
  }

  /** The first position of the page after the one holding {@code seq}; 1 for a log without any. */
  static long after(long seq) {
    return seq <= 0 ? 1 : of(seq) + GROUPS;
  }

  /** The groups {@code from} (inclusive) to {@code to} (exclusive) of {@code groups} as a page. */
  static byte[] encode(List<RiskRows.Value> groups, int from, int to) {
    if (to - from < 1 || to - from > GROUPS) {
      throw new IllegalArgumentException("a split page holds 1 to " + GROUPS + " groups");
    }
    byte[][] keys = new byte[to - from][];
    int size = 1;
    for (int i = from; i < to; i++) {
      RiskRows.Value group = groups.get(i);
      byte[] key = group.key().key().getBytes(StandardCharsets.UTF_8);
      if (key.length > 0xFFFF) {
        throw new IllegalArgumentException("a split group key longer than 65,535 bytes");
      }
      keys[i - from] = key;
      size += 2 + key.length + 1 + (group.expiresMicros() == null ? 0 : 8);
      size += 4 + group.value().length;
    }
    ByteBuffer page = ByteBuffer.allocate(size);
    page.put(VERSION);
    for (int i = from; i < to; i++) {
      RiskRows.Value group = groups.get(i);
      byte[] key = keys[i - from];
      page.putShort((short) key.length).put(key);
      if (group.expiresMicros() == null) {
        page.put((byte) 0);
      } else {
        page.put((byte) 1).putLong(group.expiresMicros());
      }
      page.putInt(group.value().length).put(group.value());
    }
    return page.array();
  }

  /** The group at {@code offset} (0 for the page's first), or null if the page holds fewer. */
  static Group at(byte[] page, int offset) {
    ByteBuffer in = open(page);
    for (int i = 0; in.hasRemaining(); i++) {
      if (i == offset) {
        return read(in);
      }
      skip(in);
    }
    return null;
  }

  /** What the index takes in of each group of a page, in order. */
  @FunctionalInterface
  interface KeyVisitor {
    void visit(int offset, String key, Long expiresMicros);
  }

  /** Visits each group's key and expiry, without copying the values. */
  static void keys(byte[] page, KeyVisitor visitor) {
    ByteBuffer in = open(page);
    for (int offset = 0; in.hasRemaining(); offset++) {
      String key = key(in);
      Long expires = expiry(in);
      skipBytes(in, in.getInt());
      visitor.visit(offset, key, expires);
    }
  }

  private static ByteBuffer open(byte[] page) {
    if (page.length == 0 || page[0] != VERSION) {
      throw new IllegalStateException("a split page of an unknown version");
    }
    return ByteBuffer.wrap(page, 1, page.length - 1);
  }

  private static Group read(ByteBuffer in) {
    try {
      String key = key(in);
      Long expires = expiry(in);
      byte[] value = new byte[in.getInt()];
      in.get(value);
      return new Group(key, value, expires);
    } catch (BufferUnderflowException e) {
      throw new IllegalStateException("a split page cut short", e);
    }
  }

  private static void skip(ByteBuffer in) {
    skipBytes(in, Short.toUnsignedInt(in.getShort()));
    if (in.get() != 0) {
      skipBytes(in, Long.BYTES);
    }
    skipBytes(in, in.getInt());
  }

  private static String key(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    String key = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
    skipBytes(in, length);
    return key;
  }

  private static Long expiry(ByteBuffer in) {
    return in.get() == 0 ? null : in.getLong();
  }

  private static void skipBytes(ByteBuffer in, int length) {
    if (length < 0 || length > in.remaining()) {
      throw new IllegalStateException("a split page cut short");
    }
    in.position(in.position() + length);
  }
}
