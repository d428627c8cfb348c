package org.parcelgate.schema.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import org.parcelgate.schema.Address;
import org.parcelgate.schema.Amounts;
import org.parcelgate.schema.Buyer;
import org.parcelgate.schema.LineItem;
import org.parcelgate.schema.Payment;
import org.parcelgate.schema.PaymentMethod;
import org.parcelgate.schema.Seller;
import org.parcelgate.schema.SellerType;
import org.parcelgate.schema.Shipment;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.VerificationStatus;
import org.parcelgate.schema.sample.GoodsCatalogue.Product;

/**
 * Seeded synthetic low-value e-commerce traffic with fraud patterns injected at known rates, each
 * parcel with its ground truth: the data the gateway's risk flags are evaluated on, and the load
 * generator's risk traffic.
 *
 * <p><b>The honest traffic.</b> A catalogue of twenty HS subheadings (real 6-digit codes, sold per
 * piece or per kilogram), each with 40 products whose prices spread log-normally around the
 * subheading's median (a log standard deviation of 0.5 to 1.0: prices within a subheading vary
 * widely). Sellers established in China, Hong Kong, Turkey, the United States, the United Kingdom,
 * Viet Nam, India and Korea, with Zipf-like popularity (weight 1/rank^0.8), each selling a few
 * subheadings; most charge in euro, some American and British sellers in USD or GBP, a few Chinese
 * sellers in CNY, always with the currency's minor units. 40% of the sellers have an IOSS number of
 * their own; the others' consignments up to EUR 150 carry the marketplace's. Buyers in fourteen EU
 * countries place 1 + Poisson({@link RiskMix#extraOrdersPerBuyer()}) orders over the period; a
 * later order goes, with {@link RiskMix#repeatSellerShare()}, to a seller the buyer bought from
 * before, 1 to 7 days later in 35% of such repeats (innocent repeat buyers, whose two orders can
 * together exceed EUR 150), 8 to 60 days later otherwise. Amounts add up as validation requires:
 * line total = quantity x unit price, goods value = sum of lines, total paid = goods + shipping +
 * insurance + tax - discount, payment = total. The tax collected is the VAT at the destination's
 * standard rate on goods, shipping and insurance less the discount, plus duty; from 1 July 2026 a
 * consignment up to EUR 150 also owes the flat duty of EUR 3 per distinct HS subheading, collected
 * and included in the VAT base. Consignments above EUR 150 carry no IOSS number and collect VAT
 * (delivered duty paid). Payment is by card, wallet or bank transfer minutes after the order, or
 * cash on delivery 4 to 25 days after it, from the destination country.
 *
 * <p><b>The patterns</b> are those of {@link FraudPattern}, at the rates of the mix. Amounts in
 * other currencies are placed against EUR 150 with fixed rates ({@link #PER_EUR}) that match the
 * gateway's shipped exchange-rate table.
 *
 * <p>Same mix, same traffic: every choice comes from the mix's seed. Parcels are returned in order
 * time; transaction ids ({@code <prefix>-00000001} onwards) follow that order.
 */
public final class RiskTraffic {
  /** The EUR 150 threshold in euro cents. */
  public static final long THRESHOLD_EUR_CENTS = 15_000;

  /** The flat duty per distinct HS subheading of a consignment up to EUR 150, in euro cents. */
  public static final long FLAT_DUTY_EUR_CENTS = 300;

  /** The first day of the flat duty. */
  public static final Instant FLAT_DUTY_FROM = Instant.parse("2026-07-01T00:00:00Z");

  /** The marketplace's IOSS number (as deemed supplier), on consignments of sellers without one. */
  public static final String MARKETPLACE_IOSS = SampleTransactions.MARKETPLACE_IOSS;

  /** Units of each currency one euro buys, as the gateway's shipped exchange-rate table. */
  public static final Map<String, BigDecimal> PER_EUR =
      Map.of(
          "EUR", BigDecimal.ONE,
          "USD", new BigDecimal("1.16"),
          "GBP", new BigDecimal("0.87"),
          "CNY", new BigDecimal("8.25"));

  /** The numeric codes of the EU Member States, as IOSS numbers carry them after {@code IM}. */
  static final List<String> MEMBER_STATE_CODES =
      List.of(
          "040", "056", "100", "191", "196", "203", "208", "233", "246", "250", "276", "300", "348",
          "372", "380", "428", "440", "442", "470", "528", "616", "620", "642", "703", "705", "724",
          "752");

  /** Numeric codes of countries that are not EU Member States. */
  static final List<String> NON_MEMBER_CODES =
      List.of("840", "156", "826", "392", "344", "792", "756", "578", "999", "000");

  /** A country of destination: its standard VAT rate in basis points, weight, cities. */
  private record Destination(String country, int vatBasisPoints, int weight, String[] cities) {}

  private static final List<Destination> DESTINATIONS =
      List.of(
          new Destination("DE", 1900, 25, new String[] {"Leipzig", "Köln", "Hamburg"}),
          new Destination("FR", 2000, 18, new String[] {"Lyon", "Lille", "Nantes"}),
          new Destination("IT", 2200, 11, new String[] {"Bologna", "Torino"}),
          new Destination("ES", 2100, 10, new String[] {"Valencia", "Sevilla"}),
          new Destination("NL", 2100, 9, new String[] {"Utrecht", "Groningen"}),
          new Destination("PL", 2300, 7, new String[] {"Kraków", "Gdańsk"}),
          new Destination("BE", 2100, 4, new String[] {"Gent", "Liège"}),
          new Destination("AT", 2000, 3, new String[] {"Graz", "Linz"}),
          new Destination("SE", 2500, 3, new String[] {"Malmö", "Uppsala"}),
          new Destination("IE", 2300, 2, new String[] {"Cork", "Galway"}),
          new Destination("FI", 2550, 2, new String[] {"Tampere", "Turku"}),
          new Destination("DK", 2500, 2, new String[] {"Aarhus", "Odense"}),
          new Destination("PT", 2300, 2, new String[] {"Porto", "Braga"}),
          new Destination("CZ", 2100, 2, new String[] {"Brno", "Ostrava"}));

  /** Where sellers are established, how many are, and what they charge in. */
  private record Origin(
      String country,
      String city,
      String postalCode,
      String region,
      int weight,
      String currency,
      double currencyShare,
      String carrier) {}

  private static final List<Origin> ORIGINS =
      List.of(
          new Origin("CN", "Shenzhen", "518000", "Guangdong", 55, "CNY", 0.1, "China Post"),
          new Origin("HK", "Kowloon", "999077", null, 8, "EUR", 0, "Hongkong Post"),
          new Origin("TR", "Istanbul", "34000", null, 8, "EUR", 0, "PTT Kargo"),
          new Origin("US", "Newark", "07102", "NJ", 8, "USD", 0.6, "UPS"),
          new Origin("GB", "Manchester", "M1 1AE", null, 8, "GBP", 0.6, "Royal Mail"),
          new Origin("VN", "Ho Chi Minh City", "700000", null, 5, "EUR", 0, "Vietnam Post"),
          new Origin("IN", "Jaipur", "302001", "Rajasthan", 4, "EUR", 0, "India Post"),
          new Origin("KR", "Seoul", "04524", null, 4, "EUR", 0, "Korea Post"));

  private static final List<String> FOREIGN_PAYERS =
      List.of("GB", "US", "CH", "NO", "TR", "CN", "DE", "FR", "NL", "PL");

  /** The share of a bunching seller's parcels priced just below the threshold. */
  static final double BUNCHED_SHARE = 0.6;

  /** One seller of the traffic. */
  private static final class SellerProfile {
    final int index;
    final Origin origin;
    final String currency;
    final String ioss;
    final String vatNumber;
    final SellerType type;
    final List<Product> products;
    final boolean buncher;

    SellerProfile(
        int index,
        Origin origin,
        String currency,
        String ioss,
        String vatNumber,
        SellerType type,
        List<Product> products,
        boolean buncher) {
      this.index = index;
      this.origin = origin;
      this.currency = currency;
      this.ioss = ioss;
      this.vatNumber = vatNumber;
      this.type = type;
      this.products = products;
      this.buncher = buncher;
    }

    String id() {
      return "seller-" + index;
    }
  }

  private final RiskMix mix;
  private final List<SellerProfile> sellers = new ArrayList<>();
  private final double[] cumulative;
  private final List<SellerProfile> withIoss = new ArrayList<>();

  private RiskTraffic(RiskMix mix) {
    this.mix = mix;
    SplittableRandom random = new SplittableRandom(mix.seed());
    GoodsCatalogue catalogue = new GoodsCatalogue(random);
    int bunchers = (int) Math.round(mix.rate(FraudPattern.BUNCHED) * mix.sellers());
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < mix.sellers(); i++) {
      order.add(i);
    }
    shuffle(order, random);
    Set<Integer> bunching = new HashSet<>(order.subList(0, bunchers));
    cumulative = new double[mix.sellers()];
    double total = 0;
    for (int i = 0; i < mix.sellers(); i++) {
      Origin origin = weighted(ORIGINS, Origin::weight, random);
      String currency = random.nextDouble() < origin.currencyShare() ? origin.currency() : "EUR";
      String ioss =
          random.nextDouble() < 0.4
              ? ioss(MEMBER_STATE_CODES.get(random.nextInt(MEMBER_STATE_CODES.size())), random)
              : null;
      String vat =
          random.nextDouble() < 0.3
              ? String.format("NL%09dB01", 800_000_000 + random.nextInt(100_000_000))
              : null;
      List<Product> products = new ArrayList<>();
      int kinds = 1 + random.nextInt(3);
      Set<Integer> chosen = new LinkedHashSet<>();
      while (chosen.size() < kinds) {
        chosen.add(random.nextInt(catalogue.subheadings()));
      }
      for (int subheading : chosen) {
        List<Product> all = catalogue.products(subheading);
        int count = 10 + random.nextInt(31);
        for (int p = 0; p < count; p++) {
          products.add(all.get(random.nextInt(all.size())));
        }
      }
      SellerProfile seller =
          new SellerProfile(
              i,
              origin,
              currency,
              ioss,
              vat,
              random.nextInt(10) == 0 ? SellerType.INDIVIDUAL : SellerType.BUSINESS,
              List.copyOf(products),
              bunching.contains(i));
      sellers.add(seller);
      if (ioss != null) {
        withIoss.add(seller);
      }
      total += Math.pow(i + 1, -0.8);
      cumulative[i] = total;
    }
  }

  /** The sellers and goods of a mix, ready to generate its traffic. */
  public static RiskTraffic of(RiskMix mix) {
    return new RiskTraffic(mix);
  }

  /** The traffic of {@code mix}. */
  public static List<LabelledParcel> generate(RiskMix mix) {
    return of(mix).generate();
  }

  public RiskMix mix() {
    return mix;
  }

  /** The mix's traffic. */
  public List<LabelledParcel> generate() {
    return generate(mix.seed(), mix.parcels(), mix.start(), mix.period(), mix.idPrefix());
  }

  /**
   * Traffic of this mix's sellers and goods with other buyers and orders: what the load generator
   * sends batch by batch. Every timestamp lies between {@code start} and {@code start + period +}
   * {@link RiskMix#SETTLEMENT}.
   *
   * @param orderSeed chooses the buyers and orders
   * @param idPrefix starts every transaction, buyer and payment id
   */
  public List<LabelledParcel> generate(
      long orderSeed, int parcels, Instant start, Duration period, String idPrefix) {
    return new Run(orderSeed, parcels, start, period, idPrefix).generate();
  }

  /** One generation: its random numbers and the drafts it has made. */
  private final class Run {
    private final SplittableRandom random;
    private final int parcels;
    private final Instant start;
    private final Instant end;
    private final String idPrefix;
    private final List<Draft> drafts = new ArrayList<>();
    private final double singleShare;
    private int groups;

    Run(long orderSeed, int parcels, Instant start, Duration period, String idPrefix) {
      this.random = new SplittableRandom(orderSeed ^ 0x5DEECE66DL);
      this.parcels = parcels;
      this.start = start;
      this.end = start.plus(period);
      this.idPrefix = idPrefix;
      this.singleShare = 1 - mix.rate(FraudPattern.SPLIT);
    }

    List<LabelledParcel> generate() {
      double split = mix.rate(FraudPattern.SPLIT);
      // Groups hold three parcels on average: the share of orders that split so that the share of
      // parcels in groups is the mix's rate.
      double splitOrders = split / (3 - 2 * split);
      int buyers = 0;
      long periodMillis = end.toEpochMilli() - start.toEpochMilli();
      while (drafts.size() < parcels) {
        BuyerProfile buyer = buyer(++buyers);
        int orders = 1 + poisson(mix.extraOrdersPerBuyer());
        Instant time = start.plusMillis((long) (random.nextDouble() * periodMillis));
        List<SellerProfile> bought = new ArrayList<>();
        for (int o = 0; o < orders && drafts.size() < parcels; o++) {
          SellerProfile seller;
          if (o == 0) {
            seller = popular();
          } else if (random.nextDouble() < mix.repeatSellerShare()) {
            seller = bought.get(random.nextInt(bought.size()));
            time =
                time.plus(
                    random.nextDouble() < 0.35
                        ? between(Duration.ofDays(1), Duration.ofDays(7))
                        : between(Duration.ofDays(8), Duration.ofDays(60)));
          } else {
            seller = popular();
            time =
                time.plus(
                    Duration.ofMinutes(60 + (long) (random.nextExponential() * 20 * 24 * 60)));
          }
          if (!time.isBefore(end)) {
            break;
          }
          bought.add(seller);
          if (!(random.nextDouble() < splitOrders && split(buyer, seller, time))) {
            single(buyer, seller, time);
          }
        }
      }
      List<Draft> sorted = new ArrayList<>(drafts);
      sorted.sort(Comparator.comparing((Draft draft) -> draft.orderTime));
      List<LabelledParcel> out = new ArrayList<>(sorted.size());
      for (int i = 0; i < sorted.size(); i++) {
        out.add(sorted.get(i).build(idPrefix, i + 1));
      }
      return List.copyOf(out);
    }

    private BuyerProfile buyer(int number) {
      Destination destination = weighted(DESTINATIONS, Destination::weight, random);
      return new BuyerProfile(
          idPrefix + "-B" + number,
          number,
          destination,
          destination.cities()[random.nextInt(destination.cities().length)],
          postalCode(destination.country(), random));
    }

    private SellerProfile popular() {
      double u = random.nextDouble() * cumulative[cumulative.length - 1];
      int low = 0;
      int high = cumulative.length - 1;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (cumulative[mid] < u) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return sellers.get(low);
    }

    private Duration between(Duration from, Duration to) {
      return from.plusMillis((long) (random.nextDouble() * (to.toMillis() - from.toMillis())));
    }

    private int poisson(double mean) {
      double limit = Math.exp(-mean);
      double product = random.nextDouble();
      int k = 0;
      while (product > limit) {
        product *= random.nextDouble();
        k++;
      }
      return k;
    }

    /** One order as one parcel, with the value patterns and IOSS patterns of the mix. */
    private void single(BuyerProfile buyer, SellerProfile seller, Instant time) {
      Draft draft = new Draft(buyer, seller, time);
      double above = mix.rate(FraudPattern.IOSS_ABOVE_THRESHOLD) / singleShare;
      double under = mix.rate(FraudPattern.UNDERVALUED) / singleShare;
      double invalid = mix.rate(FraudPattern.IOSS_INVALID_MEMBER_STATE) / singleShare;
      double other = mix.rate(FraudPattern.IOSS_OF_ANOTHER_SELLER) / singleShare;
      double value = random.nextDouble();
      double ioss = random.nextDouble();
      FraudPattern iossPattern =
          ioss < invalid
              ? FraudPattern.IOSS_INVALID_MEMBER_STATE
              : ioss < invalid + other ? FraudPattern.IOSS_OF_ANOTHER_SELLER : null;
      if (value < above) {
        lines(draft);
        while (!aboveThreshold(draft)) {
          if (draft.lines.size() < 6) {
            addLine(draft, seller.products.get(random.nextInt(seller.products.size())));
          } else {
            draft.lines.get(0).quantity++;
          }
        }
        draft.patterns.add(FraudPattern.IOSS_ABOVE_THRESHOLD);
        iossPattern = null;
      } else if (value < above + under) {
        lines(draft);
        double fraction = 0.1 + 0.3 * random.nextDouble();
        for (Line line : draft.lines) {
          line.unitPriceMinor = Math.max(1, Math.round(line.unitPriceMinor * fraction));
        }
        draft.patterns.add(FraudPattern.UNDERVALUED);
      } else if (seller.buncher && random.nextDouble() < BUNCHED_SHARE && bunched(draft)) {
        draft.patterns.add(FraudPattern.BUNCHED);
      } else {
        lines(draft);
        // A consignment that is to carry a wrong IOSS number is one that may carry one at all.
        for (int tries = 0; iossPattern != null && aboveThreshold(draft) && tries < 20; tries++) {
          draft.lines.clear();
          lines(draft);
        }
      }
      boolean low = !aboveThreshold(draft);
      String own = seller.ioss != null ? seller.ioss : MARKETPLACE_IOSS;
      draft.ioss = low || draft.patterns.contains(FraudPattern.IOSS_ABOVE_THRESHOLD) ? own : null;
      if (low && iossPattern == FraudPattern.IOSS_INVALID_MEMBER_STATE) {
        draft.ioss = ioss(NON_MEMBER_CODES.get(random.nextInt(NON_MEMBER_CODES.size())), random);
        draft.patterns.add(iossPattern);
      } else if (low && iossPattern == FraudPattern.IOSS_OF_ANOTHER_SELLER) {
        SellerProfile owner = otherWithIoss(seller);
        if (owner != null) {
          draft.ioss = owner.ioss;
          draft.patterns.add(iossPattern);
        }
      }
      finish(draft);
    }

    /** A popular seller with an IOSS number of its own other than {@code seller}, or null. */
    private SellerProfile otherWithIoss(SellerProfile seller) {
      for (int tries = 0; tries < 50; tries++) {
        SellerProfile owner = popular();
        if (owner != seller && owner.ioss != null && !owner.ioss.equals(seller.ioss)) {
          return owner;
        }
      }
      return null;
    }

    /**
     * Goods priced just below the threshold: one product, as many as fit below a target between EUR
     * 135 and EUR 149.99, at a unit price that reaches the target. False (nothing added) when the
     * seller sells nothing cheap enough.
     */
    private boolean bunched(Draft draft) {
      long target = 13_500 + random.nextInt(1_500);
      List<Product> fitting =
          draft.seller.products.stream().filter(p -> p.eurCents() <= target).toList();
      if (fitting.isEmpty()) {
        return false;
      }
      Product product = fitting.get(random.nextInt(fitting.size()));
      long quantity = Math.max(1, Math.min(20, target / product.eurCents()));
      long unit = toMinor(target, draft.seller.currency) / quantity;
      draft.lines.add(new Line(product, quantity, unit));
      long eurCents = eurCents(draft.goodsMinor(), draft.seller.currency);
      if (eurCents < 13_500 || aboveThreshold(draft)) {
        draft.lines.clear();
        return false;
      }
      return true;
    }

    /**
     * One order as 2 to 4 parcels placed within hours, each below the threshold, together above it.
     * False (nothing added) when the seller sells nothing cheap enough to split.
     */
    private boolean split(BuyerProfile buyer, SellerProfile seller, Instant time) {
      List<Product> cheap = seller.products.stream().filter(p -> p.eurCents() < 12_000).toList();
      if (cheap.isEmpty()) {
        return false;
      }
      int parts = 2 + random.nextInt(3);
      for (int attempt = 0; attempt < 50; attempt++) {
        List<Draft> group = new ArrayList<>(parts);
        Instant at = time;
        long sum = 0;
        boolean fits = true;
        for (int part = 0; part < parts; part++) {
          Draft draft = new Draft(buyer, seller, at);
          long budget = Math.max(4_000, 16_000 / parts) + random.nextInt(14_900 - 4_000);
          budget = Math.min(budget, 14_900);
          long spent = 0;
          for (int line = 0; line < 3; line++) {
            long remaining = budget - spent;
            List<Product> fitting = cheap.stream().filter(p -> p.eurCents() <= remaining).toList();
            if (fitting.isEmpty()) {
              break;
            }
            Product product = fitting.get(random.nextInt(fitting.size()));
            long quantity = 1 + random.nextInt((int) Math.min(3, remaining / product.eurCents()));
            addLine(draft, product, quantity);
            spent += quantity * product.eurCents();
          }
          if (draft.lines.isEmpty() || aboveThreshold(draft)) {
            fits = false;
            break;
          }
          sum += eurCents(draft.goodsMinor(), seller.currency);
          group.add(draft);
          at = at.plus(between(Duration.ofMinutes(2), Duration.ofHours(5)));
        }
        if (fits && sum > THRESHOLD_EUR_CENTS) {
          int number = ++groups;
          for (int part = 0; part < group.size(); part++) {
            Draft draft = group.get(part);
            draft.patterns.add(FraudPattern.SPLIT);
            draft.splitGroup = number;
            draft.splitPart = part + 1;
            draft.ioss = seller.ioss != null ? seller.ioss : MARKETPLACE_IOSS;
            finish(draft);
          }
          return true;
        }
      }
      return false;
    }

    /** One to three lines of the seller's goods at their true prices. */
    private void lines(Draft draft) {
      double u = random.nextDouble();
      int count = u < 0.6 ? 1 : u < 0.9 ? 2 : 3;
      for (int i = 0; i < count; i++) {
        addLine(draft, draft.seller.products.get(random.nextInt(draft.seller.products.size())));
      }
    }

    private void addLine(Draft draft, Product product) {
      double u = random.nextDouble();
      long quantity;
      if (product.subheading().unit().equals("KGM")) {
        quantity = u < 0.8 ? 1 : 2;
      } else {
        quantity = u < 0.7 ? 1 : u < 0.9 ? 2 : 3 + random.nextInt(3);
      }
      addLine(draft, product, quantity);
    }

    private void addLine(Draft draft, Product product, long quantity) {
      draft.lines.add(
          new Line(product, quantity, toMinor(product.eurCents(), draft.seller.currency)));
    }

    private boolean aboveThreshold(Draft draft) {
      return eurCents(draft.goodsMinor(), draft.seller.currency) > THRESHOLD_EUR_CENTS;
    }

    /** Charges, tax, payment and the patterns every parcel may carry; then keeps the draft. */
    private void finish(Draft draft) {
      String currency = draft.seller.currency;
      long goods = draft.goodsMinor();
      draft.shipping = random.nextDouble() < 0.4 ? 0 : toMinor(299 + random.nextInt(701), currency);
      draft.insurance = random.nextDouble() < 0.1 ? toMinor(50 + random.nextInt(151), currency) : 0;
      draft.discount = random.nextDouble() < 0.15 ? goods * (5 + random.nextInt(11)) / 100 : 0;
      boolean low = !aboveThreshold(draft);
      long duty =
          low && !draft.orderTime.isBefore(FLAT_DUTY_FROM)
              ? toMinor(
                  FLAT_DUTY_EUR_CENTS
                      * draft.lines.stream()
                          .map(l -> l.product.subheading().hs6())
                          .distinct()
                          .count(),
                  currency)
              : 0;
      long base = goods + draft.shipping + draft.insurance - draft.discount + duty;
      long vat = (base * draft.buyer.destination.vatBasisPoints() + 5_000) / 10_000;
      draft.tax = vat + duty;
      if (random.nextDouble() < mix.rate(FraudPattern.TAX_SHORTFALL)) {
        long minimum = toMinor(150, currency);
        List<Long> shortTaxes = new ArrayList<>();
        if (duty >= minimum) {
          shortTaxes.add(vat);
        }
        if (vat >= minimum) {
          shortTaxes.add(duty);
        }
        if (vat / 2 >= minimum) {
          shortTaxes.add(duty + vat / 2);
        }
        if (!shortTaxes.isEmpty()) {
          draft.tax = shortTaxes.get(random.nextInt(shortTaxes.size()));
          draft.patterns.add(FraudPattern.TAX_SHORTFALL);
        }
      }
      double method = random.nextDouble();
      if (random.nextDouble() < mix.rate(FraudPattern.LATE_PAYMENT)) {
        draft.method = method < 0.7 ? PaymentMethod.CARD : PaymentMethod.BANK_TRANSFER;
        draft.paymentTime = draft.orderTime.plus(between(Duration.ofDays(35), Duration.ofDays(75)));
        draft.patterns.add(FraudPattern.LATE_PAYMENT);
      } else if (method < 0.04) {
        draft.method = PaymentMethod.CASH_ON_DELIVERY;
        draft.paymentTime = draft.orderTime.plus(between(Duration.ofDays(4), Duration.ofDays(25)));
      } else {
        draft.method =
            method < 0.64
                ? PaymentMethod.CARD
                : method < 0.89
                    ? PaymentMethod.WALLET
                    : method < 0.98 ? PaymentMethod.BANK_TRANSFER : PaymentMethod.OTHER;
        draft.paymentTime =
            draft.orderTime.plus(between(Duration.ofSeconds(30), Duration.ofMinutes(15)));
      }
      draft.payerCountry = draft.buyer.destination.country();
      if (random.nextDouble() < mix.rate(FraudPattern.PAYER_COUNTRY_MISMATCH)) {
        String payer;
        do {
          payer = FOREIGN_PAYERS.get(random.nextInt(FOREIGN_PAYERS.size()));
        } while (payer.equals(draft.payerCountry));
        draft.payerCountry = payer;
        draft.patterns.add(FraudPattern.PAYER_COUNTRY_MISMATCH);
      }
      drafts.add(draft);
    }
  }

  /** A buyer: id, number, destination, city and postal code. */
  private record BuyerProfile(
      String id, int number, Destination destination, String city, String postalCode) {}

  /** One line of a draft. */
  private static final class Line {
    final Product product;
    long quantity;
    long unitPriceMinor;

    Line(Product product, long quantity, long unitPriceMinor) {
      this.product = product;
      this.quantity = quantity;
      this.unitPriceMinor = unitPriceMinor;
    }
  }

  /** A parcel being made. */
  private static final class Draft {
    final BuyerProfile buyer;
    final SellerProfile seller;
    final Instant orderTime;
    final List<Line> lines = new ArrayList<>();
    final Set<FraudPattern> patterns = EnumSet.noneOf(FraudPattern.class);
    String ioss;
    long shipping;
    long insurance;
    long discount;
    long tax;
    PaymentMethod method;
    Instant paymentTime;
    String payerCountry;
    int splitGroup;
    int splitPart;

    Draft(BuyerProfile buyer, SellerProfile seller, Instant orderTime) {
      this.buyer = buyer;
      this.seller = seller;
      this.orderTime = orderTime;
    }

    long goodsMinor() {
      long sum = 0;
      for (Line line : lines) {
        sum += line.quantity * line.unitPriceMinor;
      }
      return sum;
    }

    LabelledParcel build(String prefix, int number) {
      String id = String.format("%s-%08d", prefix, number);
      String currency = seller.currency;
      List<LineItem> items = new ArrayList<>(lines.size());
      long mass = 0;
      for (int i = 0; i < lines.size(); i++) {
        Line line = lines.get(i);
        Product product = line.product;
        String sku =
            "SKU-" + seller.index + "-" + product.subheading().hs6() + "-" + product.number();
        long grams = line.quantity * product.subheading().gramsPerUnit();
        mass += grams;
        items.add(
            LineItem.newBuilder()
                .setLineNumber(i + 1)
                .setSku(sku)
                .setDescription(product.description())
                .setHsCode(product.subheading().hs6())
                .setQuantity(line.quantity)
                .setUnit(product.subheading().unit())
                .setUnitPriceMinor(line.unitPriceMinor)
                .setLineTotalMinor(line.quantity * line.unitPriceMinor)
                .setOriginCountry(seller.origin.country())
                .setGrossMassGrams(grams)
                .setBrand(product.brand())
                .setListingUrl("https://marketplace.example/listing/" + sku)
                .build());
      }
      long goods = goodsMinor();
      long total = goods + shipping + insurance + tax - discount;
      Origin origin = seller.origin;
      Transaction transaction =
          Transaction.newBuilder()
              .setTransactionId(id)
              .setAmendment(false)
              .setOrderTime(orderTime)
              .setIossNumber(ioss)
              .setSeller(
                  Seller.newBuilder()
                      .setSellerId(seller.id())
                      .setName(origin.city() + " Example Trading " + seller.index)
                      .setType(seller.type)
                      .setVatNumber(seller.vatNumber)
                      .setIossNumber(seller.ioss)
                      .setEori(seller.vatNumber == null ? null : seller.vatNumber.substring(0, 11))
                      .setTin(String.format("%s%09d", origin.country(), 100_000 + seller.index))
                      .setTinCountry(origin.country())
                      .setCountry(origin.country())
                      .setAddress(
                          Address.newBuilder()
                              .setLine1((10 + seller.index) + " Example Road")
                              .setLine2(null)
                              .setCity(origin.city())
                              .setPostalCode(origin.postalCode())
                              .setRegion(origin.region())
                              .setCountry(origin.country())
                              .build())
                      .setVerificationStatus(VerificationStatus.VERIFIED)
                      .build())
              .setBuyer(
                  Buyer.newBuilder()
                      .setBuyerId(buyer.id())
                      .setName("Example Buyer " + buyer.number())
                      .setEmail("buyer" + buyer.number() + "@mail.example")
                      .setPhone(null)
                      .setAddress(
                          Address.newBuilder()
                              .setLine1((1 + buyer.number() % 200) + " Example Street")
                              .setLine2(null)
                              .setCity(buyer.city())
                              .setPostalCode(buyer.postalCode())
                              .setRegion(null)
                              .setCountry(buyer.destination().country())
                              .build())
                      .setTaxId(null)
                      .build())
              .setItems(items)
              .setAmounts(
                  Amounts.newBuilder()
                      .setCurrency(currency)
                      .setGoodsValueMinor(goods)
                      .setShippingMinor(shipping)
                      .setInsuranceMinor(insurance)
                      .setDiscountMinor(discount)
                      .setTaxCollectedMinor(tax)
                      .setTotalPaidMinor(total)
                      .build())
              .setPayment(
                  Payment.newBuilder()
                      .setPaymentId(prefix + "-PAY-" + number)
                      .setTime(paymentTime)
                      .setAmountMinor(total)
                      .setCurrency(currency)
                      .setMethod(method)
                      .setPayerCountry(payerCountry)
                      .setProvider("Example Payments B.V.")
                      .build())
              .setShipment(
                  Shipment.newBuilder()
                      .setTrackingNumber(trackingNumber(number, origin.country()))
                      .setCarrier(origin.carrier())
                      .setDispatchCountry(origin.country())
                      .setDestinationCountry(buyer.destination().country())
                      .setPackages(1)
                      .setGrossMassGrams(mass + 120)
                      .build())
              .build();
      return new LabelledParcel(transaction, patterns, splitGroup, splitPart);
    }
  }

  /** The intrinsic value (goods value) of a transaction in euro cents, at {@link #PER_EUR}. */
  public static long goodsEurCents(Transaction transaction) {
    return eurCents(
        transaction.getAmounts().getGoodsValueMinor(), transaction.getAmounts().getCurrency());
  }

  /** An amount in euro cents in {@code currency}'s minor units, at {@link #PER_EUR}. */
  static long toMinor(long eurCents, String currency) {
    int digits = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
    return BigDecimal.valueOf(eurCents)
        .multiply(PER_EUR.get(currency))
        .movePointLeft(2)
        .setScale(digits, RoundingMode.HALF_UP)
        .unscaledValue()
        .longValueExact();
  }

  /** An amount in {@code currency}'s minor units in euro cents, at {@link #PER_EUR}. */
  static long eurCents(long minor, String currency) {
    int digits = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
    return BigDecimal.valueOf(minor)
        .movePointLeft(digits)
        .divide(PER_EUR.get(currency), 2, RoundingMode.HALF_UP)
        .unscaledValue()
        .longValueExact();
  }

  /** An IOSS number with the given three digits after {@code IM}. */
  private static String ioss(String state, SplittableRandom random) {
    return "IM" + state + String.format("%06d", random.nextInt(1_000_000)) + random.nextInt(10);
  }

  private static String postalCode(String country, SplittableRandom random) {
    int n = random.nextInt(100_000);
    return switch (country) {
      case "NL" -> String.format("%04d %c%c", 1000 + n % 9000, 'A' + n % 26, 'A' + n / 26 % 26);
      case "PL" -> String.format("%02d-%03d", n % 100, n / 100 % 1000);
      case "BE", "AT", "DK" -> String.format("%04d", 1000 + n % 9000);
      case "SE", "CZ" -> String.format("%03d %02d", 100 + n % 900, n / 1000 % 100);
      case "PT" -> String.format("%04d-%03d", 1000 + n % 9000, n / 10 % 1000);
      case "IE" -> String.format("D%02d X%03d", 1 + n % 24, n / 100 % 1000);
      default -> String.format("%05d", 1000 + n % 98_000);
    };
  }

  /**
   * A UPU S10 item identifier: service {@code LP}, the 8-digit serial, its check digit, the country
   * of posting.
   */
  static String trackingNumber(int serial, String country) {
    String digits = String.format("%08d", serial % 100_000_000);
    int[] weights = {8, 6, 4, 2, 3, 5, 9, 7};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += (digits.charAt(i) - '0') * weights[i];
    }
    int check = 11 - sum % 11;
    if (check == 10) {
      check = 0;
    } else if (check == 11) {
      check = 5;
    }
    return "LP" + digits + check + country;
  }

  private static <T> T weighted(List<T> items, ToIntFunction<T> weight, SplittableRandom random) {
    int u = random.nextInt(items.stream().mapToInt(weight).sum());
    for (T item : items) {
      if (u < weight.applyAsInt(item)) {
        return item;
      }
      u -= weight.applyAsInt(item);
    }
    throw new IllegalStateException("the weights sum to the total");
  }

  private static void shuffle(List<Integer> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Integer swap = list.get(i);
      list.set(i, list.get(j));
      list.set(j, swap);
    }
  }
}
