package org.parcelgate.risk;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.parcelgate.privacy.MinimizationPolicy;
import org.parcelgate.privacy.Minimizer;
import org.parcelgate.privacy.PolicySources;
import org.parcelgate.privacy.Pseudonymizer;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.FraudPattern;
import org.parcelgate.schema.sample.LabelledParcel;
import org.parcelgate.schema.sample.RiskMix;
import org.parcelgate.schema.sample.RiskTraffic;
import org.parcelgate.validation.TransactionValidator;
import org.parcelgate.validation.ValidationPolicy;

/**
 * How well the risk flags find the fraud {@link RiskTraffic} injects: generates a mix's traffic,
 * passes it through what the gateway does to a record before the detectors see it, and compares
 * every flag with the ground truth.
 *
 * <p>Each parcel reaches the marketplace's batch an hour after its payment (sale data are due once
 * payment is accepted), and the records are taken in that order. A record is validated with the
 * gateway's {@link TransactionValidator} and default {@link ValidationPolicy} at the time it is
 * received (rejections are counted: there should be none), minimized with the shipped {@code
 * customs-default} policy and a fresh random pseudonym key as the gateway does for a customs
 * recipient, read as a {@link RiskRecord} from the minimized record, and assessed by {@link
 * RiskEngine#create the shipped engine} with the default {@link RiskSettings} and {@link
 * ReferenceData#shipped() reference tables}, with one in-memory state for the one recipient that
 * receives every destination. Deterministic for a mix: the pseudonym key changes the pseudonyms,
 * never which records share one.
 */
public final class RiskEvaluation {
  /** The marketplace the traffic comes from. */
  public static final String MARKETPLACE = "marketplace-eval";

  /** The one customs recipient, receiving every destination. */
  public static final String RECIPIENT = "customs-eval";

  /** The share of parcels inspected for the undervaluation target: the top 1% by score. */
  public static final double INSPECTED_SHARE = 0.01;

  /** Records validated and minimized together, as in one batch. */
  private static final int CHUNK = 1_000;

  /** The ground truth of each flag; a flag without one has nothing injected for it. */
  static final Map<Flag, FraudPattern> TRUTH;

  static {
    Map<Flag, FraudPattern> truth = new EnumMap<>(Flag.class);
    truth.put(Flag.UNDERVALUED, FraudPattern.UNDERVALUED);
    truth.put(Flag.SPLIT_CONSIGNMENT, FraudPattern.SPLIT);
    truth.put(Flag.VALUE_BUNCHED_BELOW_THRESHOLD, FraudPattern.BUNCHED);
    truth.put(Flag.IOSS_ABOVE_THRESHOLD, FraudPattern.IOSS_ABOVE_THRESHOLD);
    truth.put(Flag.IOSS_INVALID_MEMBER_STATE, FraudPattern.IOSS_INVALID_MEMBER_STATE);
    truth.put(Flag.IOSS_OF_ANOTHER_SELLER, FraudPattern.IOSS_OF_ANOTHER_SELLER);
    truth.put(Flag.PAYER_COUNTRY_MISMATCH, FraudPattern.PAYER_COUNTRY_MISMATCH);
    truth.put(Flag.LATE_PAYMENT, FraudPattern.LATE_PAYMENT);
    truth.put(Flag.TAX_SHORTFALL, FraudPattern.TAX_SHORTFALL);
    TRUTH = Collections.unmodifiableMap(truth);
  }

  /**
   * One flag against its pattern.
   *
   * @param pattern the injected pattern it should find, or null when none is injected
   * @param labelled parcels carrying the pattern
   * @param flagged parcels carrying the flag
   * @param truePositives parcels carrying both
   */
  public record FlagResult(
      Flag flag, FraudPattern pattern, long labelled, long flagged, long truePositives) {
    /** Of the flagged parcels, the share carrying the pattern; NaN when none is flagged. */
    public double precision() {
      return pattern == null || flagged == 0 ? Double.NaN : truePositives / (double) flagged;
    }

    /** Of the parcels carrying the pattern, the share flagged; NaN when none carries it. */
    public double recall() {
      return labelled == 0 ? Double.NaN : truePositives / (double) labelled;
    }
  }

  /**
   * Split consignments as the target counts them: a group's first parcel to arrive cannot be known
   * to be split when it is assessed, so recall is over the parcels that arrive after it; innocent
   * buyers are those without any split group. Because each record is assessed once, on arrival, a
   * parcel can only be found split once the group's parcels received so far exceed the threshold:
   * the recall over the parcels from the one that takes the group over it shows what that allows.
   *
   * @param groups split groups assessed
   * @param groupsFlagged groups with at least one parcel flagged
   * @param parts the parcels of split groups, each group's first included
   * @param partsFound of those, the parcels flagged {@code split_consignment} or named (by
   *     transaction id) in the {@code split_consignment} finding of a parcel of their group: what
   *     an officer reading the flags learns is part of a split consignment
   * @param laterParts parcels that arrive after their group's first
   * @param overThresholdParts parcels that arrive once their group's parcels received so far
   *     (themselves included) exceed the threshold
   * @param innocentRepeatBuyers innocent buyers with two or more parcels from one seller
   */
  public record SplitResult(
      long groups,
      long groupsFlagged,
      long parts,
      long partsFound,
      long laterParts,
      long laterPartsFlagged,
      long overThresholdParts,
      long overThresholdPartsFlagged,
      long innocentBuyers,
      long innocentBuyersFlagged,
      long innocentRepeatBuyers,
      long innocentRepeatBuyersFlagged) {
    public double recall() {
      return laterParts == 0 ? Double.NaN : laterPartsFlagged / (double) laterParts;
    }

    /** The share of split groups' parcels flagged or named in their group's flag. */
    public double partsRecall() {
      return parts == 0 ? Double.NaN : partsFound / (double) parts;
    }

    public double overThresholdRecall() {
      return overThresholdParts == 0
          ? Double.NaN
          : overThresholdPartsFlagged / (double) overThresholdParts;
    }

    public double groupRecall() {
      return groups == 0 ? Double.NaN : groupsFlagged / (double) groups;
    }

    public double innocentBuyersFlaggedShare() {
      return innocentBuyers == 0 ? Double.NaN : innocentBuyersFlagged / (double) innocentBuyers;
    }
  }

  /**
   * Undervaluation when customs inspects the top {@code share} of parcels by the undervaluation
   * score (only parcels that carry the flag; ties in feed order).
   *
   * @param inspected parcels inspected
   * @param found inspected parcels that are undervalued
   * @param undervalued undervalued parcels in the traffic
   */
  public record TopResult(double share, long inspected, long found, long undervalued) {
    public double precision() {
      return inspected == 0 ? Double.NaN : found / (double) inspected;
    }

    public double recall() {
      return undervalued == 0 ? Double.NaN : found / (double) undervalued;
    }
  }

  /**
   * The outcome of one evaluation.
   *
   * @param parcels parcels generated
   * @param rejected parcels validation rejected (not assessed)
   * @param flaggedParcels assessed parcels with at least one flag
   * @param honestParcels assessed parcels without any injected pattern
   * @param honestFlagged of those, parcels with at least one flag
   */
  public record Result(
      RiskMix mix,
      int parcels,
      int rejected,
      long flaggedParcels,
      long honestParcels,
      long honestFlagged,
      List<FlagResult> flags,
      SplitResult split,
      TopResult undervaluedTop) {
    public Result {
      Objects.requireNonNull(mix, "mix");
      flags = List.copyOf(flags);
    }

    /** The share of assessed parcels with at least one flag. */
    public double flaggedShare() {
      int assessed = parcels - rejected;
      return assessed == 0 ? Double.NaN : flaggedParcels / (double) assessed;
    }

    public double honestFlaggedShare() {
      return honestParcels == 0 ? Double.NaN : honestFlagged / (double) honestParcels;
    }

    public FlagResult flag(Flag flag) {
      return flags.stream().filter(f -> f.flag() == flag).findFirst().orElseThrow();
    }

    /** The result as a plain-text report. */
    public String table() {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "Risk evaluation: seed %d, %d parcels ordered %s to %s, %d rejected by validation%n",
              mix.seed(),
              parcels,
              mix.start(),
              mix.start().plus(mix.period()),
              rejected));
      out.append("Rates:");
      for (FraudPattern pattern : FraudPattern.values()) {
        out.append(String.format(Locale.ROOT, " %s=%s", wire(pattern), trim(mix.rate(pattern))));
      }
      out.append(String.format("%n%n"));
      out.append(
          String.format(
              Locale.ROOT,
              "%-34s %9s %9s %9s %10s %8s%n",
              "flag",
              "injected",
              "flagged",
              "correct",
              "precision",
              "recall"));
      for (FlagResult flag : flags) {
        out.append(
            String.format(
                Locale.ROOT,
                "%-34s %9s %9d %9s %10s %8s%n",
                flag.flag().wireName(),
                flag.pattern() == null ? "-" : Long.toString(flag.labelled()),
                flag.flagged(),
                flag.pattern() == null ? "-" : Long.toString(flag.truePositives()),
                percent(flag.precision()),
                percent(flag.recall())));
      }
      out.append(
          String.format(
              Locale.ROOT,
              "%nParcels flagged: %s (%d of %d); honest parcels flagged: %s (%d of %d)%n",
              percent(flaggedShare()),
              flaggedParcels,
              parcels - rejected,
              percent(honestFlaggedShare()),
              honestFlagged,
              honestParcels));
      out.append(
          String.format(
              Locale.ROOT,
              "Split consignments: parcels flagged or named in their group's flag %s (%d of %d);"
                  + " recall over each group's parcels after its first %s (%d of %d);"
                  + " over those arriving once the group is above the threshold %s (%d of %d);"
                  + " groups with a parcel flagged %s (%d of %d);"
                  + " innocent buyers flagged %s (%d of %d); innocent repeat buyers flagged %s"
                  + " (%d of %d)%n",
              percent(split.partsRecall()),
              split.partsFound(),
              split.parts(),
              percent(split.recall()),
              split.laterPartsFlagged(),
              split.laterParts(),
              percent(split.overThresholdRecall()),
              split.overThresholdPartsFlagged(),
              split.overThresholdParts(),
              percent(split.groupRecall()),
              split.groupsFlagged(),
              split.groups(),
              percent(split.innocentBuyersFlaggedShare()),
              split.innocentBuyersFlagged(),
              split.innocentBuyers(),
              percent(
                  split.innocentRepeatBuyers() == 0
                      ? Double.NaN
                      : split.innocentRepeatBuyersFlagged()
                          / (double) split.innocentRepeatBuyers()),
              split.innocentRepeatBuyersFlagged(),
              split.innocentRepeatBuyers()));
      out.append(
          String.format(
              Locale.ROOT,
              "Undervaluation, inspecting the top %s of parcels by score: precision %s (%d of %d),"
                  + " recall %s (%d of %d)%n",
              percent(undervaluedTop.share()),
              percent(undervaluedTop.precision()),
              undervaluedTop.found(),
              undervaluedTop.inspected(),
              percent(undervaluedTop.recall()),
              undervaluedTop.found(),
              undervaluedTop.undervalued()));
      return out.toString();
    }

    /** The result as a JSON object (shares as fractions, null where undefined). */
    public String json() {
      StringBuilder out = new StringBuilder("{\n");
      out.append("  \"seed\": ").append(mix.seed()).append(",\n");
      out.append("  \"start\": \"").append(mix.start()).append("\",\n");
      out.append("  \"periodDays\": ").append(mix.period().toDays()).append(",\n");
      out.append("  \"sellers\": ").append(mix.sellers()).append(",\n");
      out.append("  \"rates\": {");
      FraudPattern[] patterns = FraudPattern.values();
      for (int i = 0; i < patterns.length; i++) {
        out.append(i == 0 ? "" : ", ")
            .append('"')
            .append(wire(patterns[i]))
            .append("\": ")
            .append(trim(mix.rate(patterns[i])));
      }
      out.append("},\n");
      out.append("  \"parcels\": ").append(parcels).append(",\n");
      out.append("  \"rejected\": ").append(rejected).append(",\n");
      out.append("  \"flaggedParcels\": ").append(flaggedParcels).append(",\n");
      out.append("  \"flaggedShare\": ").append(number(flaggedShare())).append(",\n");
      out.append("  \"honestParcels\": ").append(honestParcels).append(",\n");
      out.append("  \"honestFlagged\": ").append(honestFlagged).append(",\n");
      out.append("  \"honestFlaggedShare\": ").append(number(honestFlaggedShare())).append(",\n");
      out.append("  \"flags\": [\n");
      for (int i = 0; i < flags.size(); i++) {
        FlagResult flag = flags.get(i);
        out.append("    {\"flag\": \"")
            .append(flag.flag().wireName())
            .append("\", \"injected\": ")
            .append(flag.pattern() == null ? "null" : Long.toString(flag.labelled()))
            .append(", \"flagged\": ")
            .append(flag.flagged())
            .append(", \"correct\": ")
            .append(flag.pattern() == null ? "null" : Long.toString(flag.truePositives()))
            .append(", \"precision\": ")
            .append(number(flag.precision()))
            .append(", \"recall\": ")
            .append(number(flag.recall()))
            .append(i + 1 < flags.size() ? "},\n" : "}\n");
      }
      out.append("  ],\n");
      out.append("  \"split\": {\"groups\": ")
          .append(split.groups())
          .append(", \"groupsFlagged\": ")
          .append(split.groupsFlagged())
          .append(", \"parcels\": ")
          .append(split.parts())
          .append(", \"parcelsFound\": ")
          .append(split.partsFound())
          .append(", \"parcelsRecall\": ")
          .append(number(split.partsRecall()))
          .append(", \"laterParcels\": ")
          .append(split.laterParts())
          .append(", \"laterParcelsFlagged\": ")
          .append(split.laterPartsFlagged())
          .append(", \"recall\": ")
          .append(number(split.recall()))
          .append(", \"overThresholdParcels\": ")
          .append(split.overThresholdParts())
          .append(", \"overThresholdParcelsFlagged\": ")
          .append(split.overThresholdPartsFlagged())
          .append(", \"overThresholdRecall\": ")
          .append(number(split.overThresholdRecall()))
          .append(", \"innocentBuyers\": ")
          .append(split.innocentBuyers())
          .append(", \"innocentBuyersFlagged\": ")
          .append(split.innocentBuyersFlagged())
          .append(", \"innocentBuyersFlaggedShare\": ")
          .append(number(split.innocentBuyersFlaggedShare()))
          .append(", \"innocentRepeatBuyers\": ")
          .append(split.innocentRepeatBuyers())
          .append(", \"innocentRepeatBuyersFlagged\": ")
          .append(split.innocentRepeatBuyersFlagged())
          .append("},\n");
      out.append("  \"undervaluedTop\": {\"share\": ")
          .append(number(undervaluedTop.share()))
          .append(", \"inspected\": ")
          .append(undervaluedTop.inspected())
          .append(", \"found\": ")
          .append(undervaluedTop.found())
          .append(", \"undervalued\": ")
          .append(undervaluedTop.undervalued())
          .append(", \"precision\": ")
          .append(number(undervaluedTop.precision()))
          .append(", \"recall\": ")
          .append(number(undervaluedTop.recall()))
          .append("}\n}\n");
      return out.toString();
    }
  }

  private RiskEvaluation() {}

  /** Evaluates the shipped detectors on the traffic of {@code mix}. */
  public static Result run(RiskMix mix) {
    return run(mix, RiskEngine.create(RiskSettings.defaults(), ReferenceData.shipped()));
  }

  /** Evaluates {@code engine} on the traffic of {@code mix}. */
  public static Result run(RiskMix mix, RiskEngine engine) {
    List<LabelledParcel> traffic = traffic(mix);
    Prepared prepared = prepare(traffic);
    MemoryRiskState state = MemoryRiskState.empty(null);
    Assessment[] assessments = new Assessment[traffic.size()];
    for (int k = 0; k < prepared.records().size(); k++) {
      assessments[prepared.indexes().get(k)] = engine.assess(prepared.records().get(k), state);
    }
    return compare(mix, traffic, assessments, prepared.rejected());
  }

  /**
   * The records of {@code mix}'s traffic as the assessor reads them (validated, minimized for the
   * customs recipient, in feed order), without assessing them: what a benchmark of the engine runs.
   */
  public static List<RiskRecord> records(RiskMix mix) {
    return prepare(traffic(mix)).records();
  }

  private static List<LabelledParcel> traffic(RiskMix mix) {
    List<LabelledParcel> traffic = new ArrayList<>(RiskTraffic.generate(mix));
    traffic.sort(Comparator.comparing(RiskEvaluation::receivedAt));
    return traffic;
  }

  /** The accepted records in feed order, each with its index in the traffic. */
  private record Prepared(List<Integer> indexes, List<RiskRecord> records, int rejected) {}

  private static Prepared prepare(List<LabelledParcel> traffic) {
    ReceiptClock clock = new ReceiptClock();
    TransactionValidator validator = new TransactionValidator(ValidationPolicy.defaults(), clock);
    Minimizer minimizer = customsMinimizer();
    List<Integer> indexes = new ArrayList<>(traffic.size());
    List<RiskRecord> prepared = new ArrayList<>(traffic.size());
    int rejected = 0;
    for (int from = 0; from < traffic.size(); from += CHUNK) {
      int to = Math.min(traffic.size(), from + CHUNK);
      List<Integer> accepted = new ArrayList<>(to - from);
      List<Transaction> records = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        Transaction transaction = traffic.get(i).transaction();
        clock.set(receivedAt(traffic.get(i)));
        if (validator.validate(i, transaction).isEmpty()) {
          accepted.add(i);
          records.add(transaction);
        } else {
          rejected++;
        }
      }
      // Minimized together, as the gateway minimizes a batch; assessed one by one in feed order.
      List<GenericRecord> minimized = minimizer.minimize(MARKETPLACE, records).records();
      for (int k = 0; k < accepted.size(); k++) {
        int i = accepted.get(k);
        indexes.add(i);
        prepared.add(
            RiskRecord.of(
                MARKETPLACE,
                records.get(k).getTransactionId(),
                1,
                receivedAt(traffic.get(i)),
                minimized.get(k)));
      }
    }
    return new Prepared(indexes, prepared, rejected);
  }

  /** When the marketplace sends the parcel's record: an hour after the payment was accepted. */
  static Instant receivedAt(LabelledParcel parcel) {
    return parcel.transaction().getPayment().getTime().plus(Duration.ofHours(1));
  }

  /** The shipped customs policy with a fresh random key, as a gateway's recipient has one. */
  static Minimizer customsMinimizer() {
    MinimizationPolicy policy =
        MinimizationPolicy.parse(
            PolicySources.builtin("customs-default"), "builtin:customs-default");
    byte[] secret = new byte[Pseudonymizer.MIN_SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    return Minimizer.compile(
        policy, Transaction.getClassSchema(), new Pseudonymizer(RECIPIENT, 1, secret));
  }

  private static Result compare(
      RiskMix mix, List<LabelledParcel> traffic, Assessment[] assessments, int rejected) {
    Map<Flag, long[]> counts = new EnumMap<>(Flag.class);
    for (Flag flag : Flag.values()) {
      counts.put(flag, new long[3]);
    }
    long flagged = 0;
    long honest = 0;
    long honestFlagged = 0;
    long laterParts = 0;
    long laterPartsFlagged = 0;
    long overParts = 0;
    long overPartsFlagged = 0;
    Map<Integer, long[]> received = new HashMap<>();
    Set<Integer> flaggedGroups = new HashSet<>();
    Set<String> splitBuyers = new HashSet<>();
    Set<String> buyers = new HashSet<>();
    Set<String> splitFlaggedBuyers = new HashSet<>();
    Map<String, Integer> buyerSellerParcels = new HashMap<>();
    List<int[]> undervaluedScores = new ArrayList<>();
    long undervalued = 0;
    for (int i = 0; i < traffic.size(); i++) {
      LabelledParcel parcel = traffic.get(i);
      Assessment assessment = assessments[i];
      if (assessment == null) {
        continue;
      }
      buyers.add(parcel.buyerId());
      if (parcel.splitGroup() != 0) {
        splitBuyers.add(parcel.buyerId());
      } else {
        buyerSellerParcels.merge(parcel.buyerId() + "\u0000" + parcel.sellerId(), 1, Integer::sum);
      }
      if (assessment.flagged()) {
        flagged++;
      }
      if (parcel.honest()) {
        honest++;
        if (assessment.flagged()) {
          honestFlagged++;
        }
      }
      for (Flag flag : Flag.values()) {
        FraudPattern pattern = TRUTH.get(flag);
        boolean labelled = pattern != null && parcel.has(pattern);
        boolean raised = assessment.has(flag);
        long[] count = counts.get(flag);
        count[0] += labelled ? 1 : 0;
        count[1] += raised ? 1 : 0;
        count[2] += labelled && raised ? 1 : 0;
      }
      if (parcel.splitGroup() != 0) {
        // In feed order: how many of the group's parcels arrived before, and their value.
        long[] group = received.computeIfAbsent(parcel.splitGroup(), g -> new long[2]);
        boolean found = assessment.has(Flag.SPLIT_CONSIGNMENT);
        if (group[0] > 0) {
          laterParts++;
          laterPartsFlagged += found ? 1 : 0;
        }
        group[0]++;
        group[1] += RiskTraffic.goodsEurCents(parcel.transaction());
        if (group[1] > RiskTraffic.THRESHOLD_EUR_CENTS) {
          overParts++;
          overPartsFlagged += found ? 1 : 0;
        }
        if (found) {
          flaggedGroups.add(parcel.splitGroup());
        }
      }
      if (assessment.has(Flag.SPLIT_CONSIGNMENT)) {
        splitFlaggedBuyers.add(parcel.buyerId());
      }
      if (parcel.has(FraudPattern.UNDERVALUED)) {
        undervalued++;
      }
      int score =
          assessment.findings().stream()
              .filter(finding -> finding.flag() == Flag.UNDERVALUED)
              .mapToInt(Finding::score)
              .max()
              .orElse(0);
      if (score > 0) {
        undervaluedScores.add(new int[] {score, i});
      }
    }
    // Which split parcels the flags name: flagged themselves, or listed in a flag of their group.
    Map<Integer, Set<String>> namedInGroup = new HashMap<>();
    for (int i = 0; i < traffic.size(); i++) {
      LabelledParcel parcel = traffic.get(i);
      if (assessments[i] == null || parcel.splitGroup() == 0) {
        continue;
      }
      for (Finding finding : assessments[i].findings()) {
        if (finding.flag() != Flag.SPLIT_CONSIGNMENT) {
          continue;
        }
        Set<String> named = namedInGroup.computeIfAbsent(parcel.splitGroup(), g -> new HashSet<>());
        named.add(parcel.transaction().getTransactionId());
        for (Figure figure : finding.figures()) {
          if (figure.name().equals("transactions") && !figure.value().isEmpty()) {
            named.addAll(List.of(figure.value().split(",")));
          }
        }
      }
    }
    long parts = 0;
    long partsFound = 0;
    for (int i = 0; i < traffic.size(); i++) {
      LabelledParcel parcel = traffic.get(i);
      if (assessments[i] == null || parcel.splitGroup() == 0) {
        continue;
      }
      parts++;
      if (namedInGroup
          .getOrDefault(parcel.splitGroup(), Set.of())
          .contains(parcel.transaction().getTransactionId())) {
        partsFound++;
      }
    }
    List<FlagResult> flags = new ArrayList<>();
    for (Flag flag : Flag.values()) {
      long[] count = counts.get(flag);
      flags.add(new FlagResult(flag, TRUTH.get(flag), count[0], count[1], count[2]));
    }
    Set<String> repeatBuyers = new HashSet<>();
    buyerSellerParcels.forEach(
        (pair, parcels) -> {
          if (parcels > 1) {
            repeatBuyers.add(pair.substring(0, pair.indexOf('\u0000')));
          }
        });
    repeatBuyers.removeAll(splitBuyers);
    Set<String> innocent = new HashSet<>(buyers);
    innocent.removeAll(splitBuyers);
    long innocentFlagged = innocent.stream().filter(splitFlaggedBuyers::contains).count();
    long repeatFlagged = repeatBuyers.stream().filter(splitFlaggedBuyers::contains).count();
    SplitResult split =
        new SplitResult(
            received.size(),
            flaggedGroups.size(),
            parts,
            partsFound,
            laterParts,
            laterPartsFlagged,
            overParts,
            overPartsFlagged,
            innocent.size(),
            innocentFlagged,
            repeatBuyers.size(),
            repeatFlagged);
    int assessed = traffic.size() - rejected;
    long inspected = Math.min(undervaluedScores.size(), Math.round(assessed * INSPECTED_SHARE));
    undervaluedScores.sort(
        Comparator.<int[]>comparingInt(entry -> -entry[0]).thenComparingInt(entry -> entry[1]));
    long found = 0;
    for (int k = 0; k < inspected; k++) {
      if (traffic.get(undervaluedScores.get(k)[1]).has(FraudPattern.UNDERVALUED)) {
        found++;
      }
    }
    TopResult top = new TopResult(INSPECTED_SHARE, inspected, found, undervalued);
    return new Result(
        mix, traffic.size(), rejected, flagged, honest, honestFlagged, flags, split, top);
  }

  private static String wire(FraudPattern pattern) {
    return pattern.name().toLowerCase(Locale.ROOT);
  }

  private static String percent(double share) {
    return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  private static String number(double value) {
    return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.4f", value);
  }

  private static String trim(double rate) {
    return String.format(Locale.ROOT, "%.4f", rate).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  /** The time each record is received, for validation at receipt: set before each record. */
  private static final class ReceiptClock extends Clock {
    /** Shared with the clock's copies in other zones. */
    private final Instant[] now;

    private final ZoneId zone;

    ReceiptClock() {
      this(new Instant[] {Instant.EPOCH}, ZoneOffset.UTC);
    }

    private ReceiptClock(Instant[] now, ZoneId zone) {
      this.now = now;
      this.zone = zone;
    }

    void set(Instant instant) {
      now[0] = instant;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return new ReceiptClock(now, zone);
    }

    @Override
    public Instant instant() {
      return now[0];
    }
  }
}
