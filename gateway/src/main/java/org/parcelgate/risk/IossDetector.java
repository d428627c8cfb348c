package org.parcelgate.risk;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * IOSS misuse: an IOSS number on a consignment above the threshold ({@link
 * Flag#IOSS_ABOVE_THRESHOLD}), a well-formed number that names no EU Member State ({@link
 * Flag#IOSS_INVALID_MEMBER_STATE}), a consignment carrying another seller's own number ({@link
 * Flag#IOSS_OF_ANOTHER_SELLER}) and one number arriving from several marketplaces ({@link
 * Flag#IOSS_SHARED_ACROSS_MARKETPLACES}).
 *
 * <p>State: {@value #OWNER_KIND} (a seller's own number: the first seller of a marketplace that
 * declares it in {@code seller.iossNumber}) and {@value #MARKETPLACES_KIND} (the marketplaces a
 * consignment number arrived from, at most {@link #MAX_MARKETPLACES}); both kept {@link #RETENTION}
 * after the last record that used them (by received time).
 */
public final class IossDetector implements Detector {
  public static final String OWNER_KIND = "ioss-owner";
  public static final String MARKETPLACES_KIND = "ioss-marketplaces";

  /** How long a number's owner and marketplaces are remembered after their last use. */
  public static final Duration RETENTION = Duration.ofDays(730);

  /** The marketplaces remembered per number; more are counted as this many. */
  public static final int MAX_MARKETPLACES = 8;

  /** A stored value is refreshed (its expiry moved on) at most this often. */
  private static final long REFRESH_DAYS = 30;

  private static final int VERSION = 1;

  private final RiskSettings settings;
  private final ReferenceData reference;
  private final IossMemberStates memberStates;

  public IossDetector(RiskSettings settings, ReferenceData reference) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.reference = Objects.requireNonNull(reference, "reference");
    this.memberStates = IossMemberStates.of(reference);
  }

  /**
   * With a well-formed consignment number, its owner's and its marketplaces' keys, then the owner
   * key of the seller's own number when it is another well-formed one; without, that last key only.
   */
  @Override
  public List<StateKey> keys(RiskRecord record) {
    String consignment = record.consignmentIoss();
    String own = record.sellerId() != null ? record.sellerIoss() : null;
    boolean byConsignment = IossMemberStates.wellFormed(consignment);
    boolean byOwn = IossMemberStates.wellFormed(own) && !(byConsignment && own.equals(consignment));
    if (byConsignment && byOwn) {
      return List.of(
          new StateKey(OWNER_KIND, consignment),
          new StateKey(MARKETPLACES_KIND, consignment),
          new StateKey(OWNER_KIND, own));
    }
    if (byConsignment) {
      return List.of(
          new StateKey(OWNER_KIND, consignment), new StateKey(MARKETPLACES_KIND, consignment));
    }
    return byOwn ? List.of(new StateKey(OWNER_KIND, own)) : List.of();
  }

  @Override
  public void assess(
      RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
    String consignment = record.consignmentIoss();
    aboveThreshold(record).ifPresent(findings::add);
    memberState(record).ifPresent(findings::add);
    if (IossMemberStates.wellFormed(consignment)) {
      StateKey ownerKey = keys.get(0);
      Owner owner = state.read(ownerKey, Owner::decode);
      if (owner != null
          && record.sellerId() != null
          && !(owner.marketplaceId().equals(record.marketplaceId())
              && owner.sellerId().equals(record.sellerId()))) {
        findings.add(ofAnotherSeller(record, owner));
      }
      StateKey marketplacesKey = keys.get(1);
      Marketplaces seen = state.read(marketplacesKey, Marketplaces::decode);
      if (seen == null) {
        seen = Marketplaces.NONE;
      }
      if (seen.fromAnotherThan(record.marketplaceId())) {
        findings.add(shared(record, seen));
      }
      learnMarketplace(record, state, marketplacesKey, seen);
      learnOwner(
          record,
          state,
          consignment.equals(record.sellerIoss())
              ? ownerKey
              : keys.size() > 2 ? keys.get(2) : null);
    } else {
      learnOwner(record, state, keys.isEmpty() ? null : keys.get(0));
    }
  }

  // --- judging ---------------------------------------------------------------------------------

  private Optional<Finding> aboveThreshold(RiskRecord record) {
    String number = record.consignmentIoss();
    if (number == null
        || record.goodsValueMinor() == null
        || record.orderTime() == null
        || MinorUnits.digits(record.currency()).isEmpty()) {
      return Optional.empty();
    }
    Optional<Long> eur =
        reference
            .exchangeRates()
            .toEurCents(
                record.goodsValueMinor(), record.currency(), MinorUnits.date(record.orderTime()));
    if (eur.isEmpty() || eur.get() <= settings.thresholdEurCents()) {
      return Optional.empty();
    }
    String threshold = MinorUnits.eur(settings.thresholdEurCents());
    String goods = MinorUnits.format(record.goodsValueMinor(), record.currency());
    String goodsEur = MinorUnits.eur(eur.get());
    String worth =
        "EUR".equals(record.currency())
            ? goods
            : goods + " (" + goodsEur + " on " + MinorUnits.date(record.orderTime()) + ")";
    return Optional.of(
        new Finding(
            Flag.IOSS_ABOVE_THRESHOLD,
            80,
            "IOSS number "
                + number
                + " is declared on a consignment whose goods are worth "
                + worth
                + ", above the "
                + threshold
                + " limit of the IOSS: the IOSS cannot cover this consignment, so its VAT is due"
                + " at import.",
            List.of(
                new Figure("iossNumber", number),
                new Figure("goodsValue", goods),
                new Figure("goodsValueEur", goodsEur),
                new Figure("thresholdEur", threshold))));
  }

  /** One finding for the first number (the consignment's, then the seller's) naming no state. */
  private Optional<Finding> memberState(RiskRecord record) {
    String consignment = record.consignmentIoss();
    String own = record.sellerIoss();
    boolean byConsignment = namesNoState(consignment);
    boolean byOwn = namesNoState(own) && (!byConsignment || own.equals(consignment));
    if (!byConsignment && !byOwn) {
      return Optional.empty();
    }
    String number = byConsignment ? consignment : own;
    List<String> fields =
        byConsignment && byOwn
            ? List.of("consignment", "seller")
            : List.of(byConsignment ? "consignment" : "seller");
    String code = IossMemberStates.code(number);
    String where =
        fields.size() == 2
            ? "declared on the consignment and as the seller's own"
            : fields.get(0).equals("consignment")
                ? "declared on the consignment"
                : "declared as the seller's own";
    return Optional.of(
        new Finding(
            Flag.IOSS_INVALID_MEMBER_STATE,
            90,
            "IOSS number "
                + number
                + " ("
                + where
                + ") has the right shape, but "
                + code
                + " is not the code of an EU Member State: no Member State can have issued it.",
            List.of(
                new Figure("iossNumber", number),
                new Figure("declaredAs", String.join(" and ", fields)),
                new Figure("memberStateCode", code))));
  }

  /** Whether the number is well-formed but names no Member State. */
  private boolean namesNoState(String number) {
    return IossMemberStates.wellFormed(number) && memberStates.country(number).isEmpty();
  }

  private static Finding ofAnotherSeller(RiskRecord record, Owner owner) {
    String holder =
        owner.marketplaceId().equals(record.marketplaceId())
            ? "seller " + owner.sellerId()
            : "seller " + owner.sellerId() + " of " + owner.marketplaceId();
    return new Finding(
        Flag.IOSS_OF_ANOTHER_SELLER,
        75,
        "The consignment carries IOSS number "
            + record.consignmentIoss()
            + ", which "
            + holder
            + " declared as its own IOSS number, but it was sold by seller "
            + record.sellerId()
            + ". A seller's IOSS number covers that seller's own sales only.",
        List.of(
            new Figure("iossNumber", record.consignmentIoss()),
            new Figure("sellerId", record.sellerId()),
            new Figure("holderMarketplaceId", owner.marketplaceId()),
            new Figure("holderSellerId", owner.sellerId())));
  }

  private static Finding shared(RiskRecord record, Marketplaces seen) {
    Set<String> all = new LinkedHashSet<>(seen.ids());
    all.add(record.marketplaceId());
    // Past MAX_MARKETPLACES the state stops listing: the count is then a lower bound.
    String count =
        seen.ids().size() < MAX_MARKETPLACES
            ? Integer.toString(all.size())
            : all.size() > MAX_MARKETPLACES
                ? "more than " + MAX_MARKETPLACES
                : MAX_MARKETPLACES + " or more";
    return new Finding(
        Flag.IOSS_SHARED_ACROSS_MARKETPLACES,
        60,
        "IOSS number "
            + record.consignmentIoss()
            + " arrives on consignments from "
            + count
            + " marketplaces ("
            + String.join(", ", all)
            + "). An IOSS number belongs to one trader, and a marketplace declares its own"
            + " number as deemed supplier: one number from several marketplaces means at least one"
            + " of them uses a number that is neither its own nor its seller's.",
        List.of(
            new Figure("iossNumber", record.consignmentIoss()),
            new Figure("marketplaces", count),
            new Figure("marketplaceIds", String.join(", ", all))));
  }

  // --- learning --------------------------------------------------------------------------------

  /**
   * Learns the seller's own number as its owner's.
   *
   * @param key the number's owner key, or null when the record has no well-formed number of its own
   *     (then nothing is learned)
   */
  private static void learnOwner(RiskRecord record, RiskState state, StateKey key) {
    String own = record.sellerIoss();
    if (record.sellerId() == null || !IossMemberStates.wellFormed(own)) {
      return;
    }
    Owner owner = state.read(key, Owner::decode);
    long today = day(record.receivedAt());
    if (owner == null) {
      owner = new Owner(record.marketplaceId(), record.sellerId(), today);
    } else if (owner.marketplaceId().equals(record.marketplaceId())
        && owner.sellerId().equals(record.sellerId())
        && today >= owner.lastSeenDay() + REFRESH_DAYS) {
      owner = new Owner(owner.marketplaceId(), owner.sellerId(), today);
    } else {
      return; // the first declarer keeps the number; nothing to refresh yet
    }
    state.write(key, owner, Owner::encode, expiry(owner.lastSeenDay()));
  }

  private static void learnMarketplace(
      RiskRecord record, RiskState state, StateKey key, Marketplaces seen) {
    long today = day(record.receivedAt());
    boolean known = seen.ids().contains(record.marketplaceId());
    boolean full = seen.ids().size() >= MAX_MARKETPLACES;
    if ((known || full) && today < seen.lastSeenDay() + REFRESH_DAYS) {
      return;
    }
    List<String> ids = new ArrayList<>(seen.ids());
    if (!known && !full) {
      ids.add(record.marketplaceId());
    }
    Marketplaces updated = new Marketplaces(ids, Math.max(today, seen.lastSeenDay()));
    state.write(key, updated, Marketplaces::encode, expiry(updated.lastSeenDay()));
  }

  private static long day(Instant time) {
    return MinorUnits.epochDay(time);
  }

  private static Instant expiry(long lastSeenDay) {
    return Instant.EPOCH.plus(Duration.ofDays(lastSeenDay)).plus(RETENTION);
  }

  // --- state encodings (version 1) -------------------------------------------------------------

  /** The seller that declared a number as its own, and the day (epoch) it last did. */
  record Owner(String marketplaceId, String sellerId, long lastSeenDay) {
    byte[] encode() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        out.writeUTF(marketplaceId);
        out.writeUTF(sellerId);
        out.writeLong(lastSeenDay);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    /** The owner encoded by {@link #encode}; null for null. */
    static Owner decode(byte[] encoded) {
      if (encoded == null) {
        return null;
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
        if (in.readByte() != VERSION) {
          throw new IllegalArgumentException("unknown IOSS owner version");
        }
        return new Owner(in.readUTF(), in.readUTF(), in.readLong());
      } catch (IOException e) {
        throw new IllegalArgumentException("malformed IOSS owner", e);
      }
    }
  }

  /** The marketplaces a number arrived from (first seen first) and the day it last arrived. */
  record Marketplaces(List<String> ids, long lastSeenDay) {
    static final Marketplaces NONE = new Marketplaces(List.of(), Long.MIN_VALUE / 2);

    Marketplaces {
      ids = List.copyOf(ids);
    }

    /** Whether the number arrived from a marketplace other than {@code marketplaceId}. */
    boolean fromAnotherThan(String marketplaceId) {
      for (String id : ids) {
        if (!id.equals(marketplaceId)) {
          return true;
        }
      }
      return false;
    }

    byte[] encode() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        out.writeLong(lastSeenDay);
        out.writeByte(ids.size());
        for (String id : ids) {
          out.writeUTF(id);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    /** The marketplaces encoded by {@link #encode}; null gives {@link #NONE}. */
    static Marketplaces decode(byte[] encoded) {
      if (encoded == null) {
        return NONE;
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
        if (in.readByte() != VERSION) {
          throw new IllegalArgumentException("unknown IOSS marketplaces version");
        }
        long lastSeen = in.readLong();
        int n = in.readUnsignedByte();
        if (n > MAX_MARKETPLACES) {
          throw new IllegalArgumentException("malformed IOSS marketplaces");
        }
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          ids.add(in.readUTF());
        }
        return new Marketplaces(ids, lastSeen);
      } catch (IOException e) {
        throw new IllegalArgumentException("malformed IOSS marketplaces", e);
      }
    }
  }
}
