package org.parcelgate.risk;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;

/**
 * What the assessments say about one seller of one marketplace, for one recipient: how many of the
 * seller's records were assessed, how many carried each flag, and per calendar month (of the order
 * time) and currency the VAT and duty due against the tax the marketplace says it collected. Stored
 * as risk state of kind {@link #KIND} under {@link #key}; it travels on seller records.
 *
 * @param flagged per flag, the seller's records that carried it (each record version counts)
 * @param revenue per month and currency, newest first, at most {@link #MAX_PERIODS}
 */
public record SellerSummary(long assessed, Map<Flag, Long> flagged, List<Period> revenue) {
  public static final String KIND = "seller";

  /** The months a summary keeps; older ones fall off. */
  public static final int MAX_PERIODS = 24;

  /**
   * One month of a seller's consignments in one currency (minor units of it).
   *
   * @param period the month of the order time, {@code 2026-11}
   * @param parcels the consignments whose VAT and duty could be computed
   */
  public record Period(
      String period,
      String currency,
      long parcels,
      long vatDueMinor,
      long dutyDueMinor,
      long collectedMinor) {
    public Period {
      Objects.requireNonNull(period, "period");
      Objects.requireNonNull(currency, "currency");
    }

    /** What was due and not collected: positive when the marketplace collected too little. */
    public long gapMinor() {
      return Math.subtractExact(Math.addExact(vatDueMinor, dutyDueMinor), collectedMinor);
    }
  }

  /** The order of {@link #revenue}: newest month first, then by currency. */
  private static final Comparator<Period> NEWEST_FIRST =
      Comparator.comparing(Period::period).reversed().thenComparing(Period::currency);

  public static final SellerSummary EMPTY = new SellerSummary(0, Map.of(), List.of());

  public SellerSummary {
    flagged = flagged instanceof FlagCounts counts ? counts : FlagCounts.copyOf(flagged);
    revenue = newestFirst(revenue);
  }

  /**
   * Flag counts in flag order, unmodifiable, and held by nothing but summaries: a summary made from
   * another's counts (every record makes two) takes them as they are instead of copying them.
   */
  private static final class FlagCounts extends AbstractMap<Flag, Long> {
    private final EnumMap<Flag, Long> counts;
    private Set<Map.Entry<Flag, Long>> entries;

    /** Takes {@code counts}, which no one else may hold. */
    private FlagCounts(EnumMap<Flag, Long> counts) {
      this.counts = counts;
    }

    static FlagCounts copyOf(Map<Flag, Long> flagged) {
      EnumMap<Flag, Long> counts = new EnumMap<>(Flag.class);
      counts.putAll(flagged);
      return new FlagCounts(counts);
    }

    /** A modifiable copy, for a summary with changed counts. */
    EnumMap<Flag, Long> copy() {
      return new EnumMap<>(counts);
    }

    @Override
    public Set<Map.Entry<Flag, Long>> entrySet() {
      if (entries == null) {
        entries = Collections.unmodifiableMap(counts).entrySet();
      }
      return entries;
    }

    @Override
    public Long get(Object flag) {
      return counts.get(flag);
    }

    @Override
    public boolean containsKey(Object flag) {
      return counts.containsKey(flag);
    }

    @Override
    public int size() {
      return counts.size();
    }
  }

  /**
   * Periods newest first, at most {@link #MAX_PERIODS}, unmodifiable, held by nothing but
   * summaries: what {@link #withRevenue} makes, taken as it is.
   */
  private static final class Periods extends AbstractList<Period> implements RandomAccess {
    private final Period[] periods;

    /** Takes {@code periods}, which no one else may hold. */
    private Periods(Period[] periods) {
      this.periods = periods;
    }

    @Override
    public Period get(int index) {
      return periods[index];
    }

    @Override
    public int size() {
      return periods.length;
    }
  }

  /**
   * The periods newest first, at most {@link #MAX_PERIODS}: as they are when already so (a summary
   * made from another's periods, with one of them changed), else sorted (stable) and cut.
   */
  private static List<Period> newestFirst(List<Period> revenue) {
    if (revenue instanceof Periods) {
      return revenue;
    }
    List<Period> periods = List.copyOf(revenue);
    for (int i = 1; i < periods.size(); i++) {
      if (NEWEST_FIRST.compare(periods.get(i - 1), periods.get(i)) > 0) {
        return periods.stream().sorted(NEWEST_FIRST).limit(MAX_PERIODS).toList();
      }
    }
    return periods.size() <= MAX_PERIODS ? periods : List.copyOf(periods.subList(0, MAX_PERIODS));
  }

  public static StateKey key(String marketplaceId, String sellerId) {
    return new StateKey(KIND, marketplaceId + "\n" + sellerId);
  }

  /** The summary a state holds under {@code key}, or {@link #EMPTY}. */
  public static SellerSummary in(RiskState state, StateKey key) {
    SellerSummary summary = state.read(key, SellerSummary::decode);
    return summary == null ? EMPTY : summary;
  }

  /** This summary with one more assessed record and its flags. */
  public SellerSummary withAssessment(Assessment assessment) {
    if (assessment.findings().isEmpty()) {
      return new SellerSummary(assessed + 1, flagged, revenue);
    }
    EnumMap<Flag, Long> counts = ((FlagCounts) flagged).copy();
    Set<Flag> counted = EnumSet.noneOf(Flag.class);
    for (Finding finding : assessment.findings()) {
      if (counted.add(finding.flag())) {
        counts.merge(finding.flag(), 1L, Long::sum);
      }
    }
    return new SellerSummary(assessed + 1, new FlagCounts(counts), revenue);
  }

  /** This summary with one consignment's VAT, duty and collected tax added to its month. */
  public SellerSummary withRevenue(
      String period, String currency, long vatDueMinor, long dutyDueMinor, long collectedMinor) {
    int size = revenue.size();
    Period[] changed = null;
    for (int i = 0; i < size; i++) {
      Period p = revenue.get(i);
      if (p.period().equals(period) && p.currency().equals(currency)) {
        if (changed == null) {
          changed = revenue.toArray(new Period[size]);
        }
        changed[i] =
            new Period(
                period,
                currency,
                p.parcels() + 1,
                Math.addExact(p.vatDueMinor(), vatDueMinor),
                Math.addExact(p.dutyDueMinor(), dutyDueMinor),
                Math.addExact(p.collectedMinor(), collectedMinor));
        // A month and currency appear once, and this month is most often the first.
        break;
      }
    }
    if (changed != null) {
      // The same month and currency in the same place: still newest first.
      return new SellerSummary(assessed, flagged, new Periods(changed));
    }
    // A new month or currency: where a stable sort puts it, after the periods that sort before or
    // with it, and the oldest beyond the limit dropped.
    Period added = new Period(period, currency, 1, vatDueMinor, dutyDueMinor, collectedMinor);
    int at = 0;
    while (at < size && NEWEST_FIRST.compare(revenue.get(at), added) <= 0) {
      at++;
    }
    if (at >= MAX_PERIODS) {
      return new SellerSummary(assessed, flagged, revenue);
    }
    Period[] periods = new Period[Math.min(MAX_PERIODS, size + 1)];
    for (int i = 0, from = 0; i < periods.length; i++) {
      periods[i] = i == at ? added : revenue.get(from++);
    }
    return new SellerSummary(assessed, flagged, new Periods(periods));
  }

  public byte[] encode() {
    // Room for the usual summary (ASCII names, periods and currencies), so the buffer is not grown.
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(13 + 40 * flagged.size() + 48 * revenue.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeLong(assessed);
      out.writeShort(flagged.size());
      for (Map.Entry<Flag, Long> entry : flagged.entrySet()) {
        out.writeUTF(entry.getKey().wireName());
        out.writeLong(entry.getValue());
      }
      out.writeShort(revenue.size());
      for (Period p : revenue) {
        out.writeUTF(p.period());
        out.writeUTF(p.currency());
        out.writeLong(p.parcels());
        out.writeLong(p.vatDueMinor());
        out.writeLong(p.dutyDueMinor());
        out.writeLong(p.collectedMinor());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The summary encoded by {@link #encode}; null gives {@link #EMPTY}. */
  public static SellerSummary decode(byte[] encoded) {
    if (encoded == null) {
      return EMPTY;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      if (in.readByte() != 1) {
        throw new IllegalArgumentException("unknown seller summary version");
      }
      long assessed = in.readLong();
      EnumMap<Flag, Long> flagged = new EnumMap<>(Flag.class);
      for (int i = in.readShort(); i > 0; i--) {
        String name = in.readUTF();
        long count = in.readLong();
        flagged.put(Flag.fromWireName(name), count);
      }
      List<Period> revenue = new ArrayList<>();
      for (int i = in.readShort(); i > 0; i--) {
        revenue.add(
            new Period(
                in.readUTF(),
                in.readUTF(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong()));
      }
      return new SellerSummary(assessed, new FlagCounts(flagged), revenue);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed seller summary", e);
    }
  }
}
