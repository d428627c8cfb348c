package org.parcelgate.risk;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * The unit values learned for one HS subheading and unit (and, for an origin band, one country of
 * origin): a fixed histogram of the natural logarithm of the unit value in euro cents, {@value
 * #BINS} bins of {@value #BIN_WIDTH} from 1 cent ({@code ln 1 = 0}) upwards; a value beyond the
 * last bin counts in it. The histogram is bounded (at most {@value #BINS} counts whatever the
 * traffic), mergeable (counts add up) and deterministic; its median and median absolute deviation
 * are read from it by interpolating linearly within a bin, so their resolution is a fraction of a
 * bin (about 5% of the value), well inside {@link #MIN_DEVIATION}.
 *
 * <p>Stored as risk state of kind {@link #KIND} under {@link #key}, encoded with a leading version
 * byte, the key parts, then the non-empty bins only.
 */
public final class UnitValueBand {
  public static final String KIND = "band";

  /** Number of bins of the log unit value. */
  public static final int BINS = 400;

  /** Width of a bin, in the natural logarithm of euro cents (about 5% of the value). */
  public static final double BIN_WIDTH = 0.05;

  /**
   * The smallest robust deviation (of the log unit value) a band judges with: a band whose sellers
   * all ask nearly the same price would otherwise call an ordinary discount an anomaly. 0.25 means
   * that at 3 deviations only a line at less than half the usual unit value ({@code e^-0.75 =
   * 0.47}) is flagged.
   */
  public static final double MIN_DEVIATION = 0.25;

  /** The factor that makes the MAD of a normal distribution its standard deviation. */
  public static final double MAD_TO_DEVIATION = 1.4826;

  private static final int VERSION = 1;

  /** The percentages {@link View#quantiles} reports. */
  public static final List<Integer> QUANTILE_PERCENTS = List.of(5, 10, 25, 50, 75, 90, 95);

  private final String hs6;
  private final String unit;
  private final String origin;
  private final long[] counts;
  private long records;
  // The median and MAD of the log unit value, computed once per change; NaN until then.
  private double median = Double.NaN;
  private double mad = Double.NaN;

  private UnitValueBand(String hs6, String unit, String origin, long[] counts, long records) {
    this.hs6 = Objects.requireNonNull(hs6, "hs6");
    this.unit = Objects.requireNonNull(unit, "unit");
    this.origin = origin;
    this.counts = counts;
    this.records = records;
  }

  /** An empty band of a subheading and unit, for all origins when {@code origin} is null. */
  public static UnitValueBand empty(String hs6, String unit, String origin) {
    return new UnitValueBand(hs6, unit, origin, new long[BINS], 0);
  }

  /** The state key of a band; {@code origin} null for the band of every origin. */
  public static StateKey key(String hs6, String unit, String origin) {
    // One concatenation per key: the detector makes two keys per line of every record.
    return new StateKey(
        KIND, origin == null ? hs6 + "\n" + unit : hs6 + "\n" + unit + "\n" + origin);
  }

  public StateKey key() {
    return key(hs6, unit, origin);
  }

  public String hs6() {
    return hs6;
  }

  public String unit() {
    return unit;
  }

  /** The country of origin, or null for the band of every origin. */
  public String origin() {
    return origin;
  }

  /** How many unit values the band learned. */
  public long records() {
    return records;
  }

  /** Learns one unit value, in euro cents (below 1 cent counts as 1 cent). */
  public void add(long unitValueEurCents) {
    counts[bin(StrictMath.log(Math.max(1, unitValueEurCents)))]++;
    records++;
    median = Double.NaN;
    mad = Double.NaN;
  }

  /** Adds another band's counts to this one (bands of the same key). */
  public void merge(UnitValueBand other) {
    if (!key().equals(other.key())) {
      throw new IllegalArgumentException("bands of different keys");
    }
    for (int i = 0; i < BINS; i++) {
      counts[i] = Math.addExact(counts[i], other.counts[i]);
    }
    records = Math.addExact(records, other.records);
    median = Double.NaN;
    mad = Double.NaN;
  }

  static int bin(double logValue) {
    int bin = (int) StrictMath.floor(logValue / BIN_WIDTH);
    return Math.max(0, Math.min(BINS - 1, bin));
  }

  /** The median of the log unit value; NaN when the band is empty. */
  public double logMedian() {
    if (Double.isNaN(median)) {
      median = quantileLog(0.5);
    }
    return median;
  }

  /** The log unit value below which {@code q} of the records fall; NaN when empty. */
  public double quantileLog(double q) {
    if (records == 0) {
      return Double.NaN;
    }
    double target = q * records;
    long before = 0;
    for (int i = 0; i < BINS; i++) {
      long count = counts[i];
      if (count > 0 && before + count >= target) {
        return (i + (target - before) / count) * BIN_WIDTH;
      }
      before += count;
    }
    return BINS * BIN_WIDTH;
  }

  /**
   * The median absolute deviation of the log unit value from its median, from the histogram with
   * values spread evenly within each bin: the distance {@code d} such that half the records lie
   * within {@code d} of the median. NaN when the band is empty.
   */
  public double logMad() {
    if (records == 0) {
      return Double.NaN;
    }
    if (Double.isNaN(mad)) {
      double median = logMedian();
      double[] below = new double[BINS + 1];
      for (int i = 0; i < BINS; i++) {
        below[i + 1] = below[i] + counts[i];
      }
      double low = 0;
      double high = BINS * BIN_WIDTH;
      for (int i = 0; i < 50; i++) {
        double mid = (low + high) / 2;
        if (cumulative(below, median + mid) - cumulative(below, median - mid) >= records / 2.0) {
          high = mid;
        } else {
          low = mid;
        }
      }
      mad = high;
    }
    return mad;
  }

  /** The robust deviation the band judges with: 1.4826 MAD, at least {@link #MIN_DEVIATION}. */
  public double deviation() {
    return Math.max(MIN_DEVIATION, MAD_TO_DEVIATION * logMad());
  }

  /**
   * Records below a log unit value, values spread evenly within each bin; {@code below[i]} holds
   * the records of the bins before bin {@code i}.
   */
  private double cumulative(double[] below, double logValue) {
    if (logValue <= 0) {
      return 0;
    }
    double position = logValue / BIN_WIDTH;
    if (position >= BINS) {
      return below[BINS];
    }
    int bin = (int) StrictMath.floor(position);
    return below[bin] + counts[bin] * (position - bin);
  }

  /** The band as an officer or an export reads it. */
  public View view() {
    if (records == 0) {
      return new View(hs6, unit, origin, 0, 0, 0, List.of());
    }
    List<Quantile> quantiles =
        QUANTILE_PERCENTS.stream()
            .map(p -> new Quantile(p, toEurCents(quantileLog(p / 100.0))))
            .toList();
    return new View(hs6, unit, origin, records, toEurCents(logMedian()), deviation(), quantiles);
  }

  /** A log unit value as euro cents, rounded. */
  static long toEurCents(double logValue) {
    return Math.round(StrictMath.exp(logValue));
  }

  /**
   * A band as it can be shown and exported.
   *
   * @param origin the country of origin, or null for the band of every origin
   * @param records the unit values the band learned
   * @param medianEurCents the median unit value, in euro cents
   * @param deviation the robust deviation of the natural logarithm of the unit value (1.4826 MAD,
   *     at least {@link #MIN_DEVIATION}); a line is judged by how many of these it lies below the
   *     median
   * @param quantiles unit values at {@link #QUANTILE_PERCENTS}, in euro cents
   */
  public record View(
      String hs6,
      String unit,
      String origin,
      long records,
      long medianEurCents,
      double deviation,
      List<Quantile> quantiles) {
    public View {
      quantiles = List.copyOf(quantiles);
    }
  }

  /** The unit value below which {@code percent} of a band's records fall, in euro cents. */
  public record Quantile(int percent, long eurCents) {}

  /**
   * The band as {@link DataOutputStream} would write it (version byte, the key parts with {@code
   * writeUTF}, the number of non-empty bins as a short, then each bin as a short and its count as a
   * var-long), written straight into an array of the exact size: a step writes back every band its
   * records changed, and the stream made a synchronized call per byte.
   */
  public byte[] encode() {
    String originText = origin == null ? "" : origin;
    int used = 0;
    int size = 1 + utfSize(hs6) + utfSize(unit) + utfSize(originText) + 2;
    for (long count : counts) {
      if (count > 0) {
        used++;
        size += 2 + varLongSize(count);
      }
    }
    byte[] bytes = new byte[size];
    bytes[0] = VERSION;
    int at = putUtf(bytes, 1, hs6);
    at = putUtf(bytes, at, unit);
    at = putUtf(bytes, at, originText);
    at = putShort(bytes, at, used);
    for (int i = 0; i < BINS; i++) {
      if (counts[i] > 0) {
        at = putShort(bytes, at, i);
        at = putVarLong(bytes, at, counts[i]);
      }
    }
    return bytes;
  }

  /** The bytes {@link DataOutputStream#writeUTF} writes for {@code text}, its length included. */
  private static int utfSize(String text) {
    int length = text.length();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80 || c == 0) {
        length += c >= 0x800 ? 2 : 1;
      }
    }
    if (length > 65535) {
      throw new UncheckedIOException(
          new UTFDataFormatException("encoded string too long: " + length + " bytes"));
    }
    return 2 + length;
  }

  /** Writes {@code text} as {@link DataOutputStream#writeUTF} does: length, modified UTF-8. */
  private static int putUtf(byte[] bytes, int at, String text) {
    at = putShort(bytes, at, utfSize(text) - 2);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80 && c != 0) {
        bytes[at++] = (byte) c;
      } else if (c >= 0x800) {
        bytes[at++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
        bytes[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        bytes[at++] = (byte) (0x80 | (c & 0x3F));
      } else {
        bytes[at++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
        bytes[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return at;
  }

  /** Writes the low 16 bits of {@code value}, high byte first, as {@code writeShort} does. */
  private static int putShort(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >>> 8);
    bytes[at + 1] = (byte) value;
    return at + 2;
  }

  /** Bytes of {@code value} as a var-long: 7 bits a byte, least significant first. */
  private static int varLongSize(long value) {
    int size = 1;
    for (long v = value; (v & ~0x7FL) != 0; v >>>= 7) {
      size++;
    }
    return size;
  }

  private static int putVarLong(byte[] bytes, int at, long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      bytes[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    bytes[at++] = (byte) v;
    return at;
  }

  /**
   * The band encoded by {@link #encode}.
   *
   * @throws IllegalArgumentException for bytes that are not a band of a known version
   */
  public static UnitValueBand decode(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      if (in.readByte() != VERSION) {
        throw new IllegalArgumentException("unknown unit value band version");
      }
      String hs6 = in.readUTF();
      String unit = in.readUTF();
      String origin = in.readUTF();
      long[] counts = new long[BINS];
      for (int i = in.readUnsignedShort(); i > 0; i--) {
        int bin = in.readUnsignedShort();
        long count = readVarLong(in);
        if (bin >= BINS || count <= 0) {
          throw new IllegalArgumentException("malformed unit value band");
        }
        counts[bin] = count;
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException("malformed unit value band");
      }
      long records = 0;
      for (long count : counts) {
        records += count;
      }
      return new UnitValueBand(hs6, unit, origin.isEmpty() ? null : origin, counts, records);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed unit value band", e);
    }
  }

  private static long readVarLong(DataInputStream in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("malformed unit value band");
  }
}
