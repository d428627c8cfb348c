package org.parcelgate.risk;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Revenue: the VAT and the flat customs duty due on a low-value consignment against the tax the
 * marketplace says it collected at checkout ({@link Flag#TAX_SHORTFALL}), and the seller's monthly
 * totals in its {@link SellerSummary}.
 *
 * <p>For a consignment whose intrinsic value is at most the threshold (the IOSS and deemed-supplier
 * regime: the marketplace collects at checkout), in minor units of the transaction's currency,
 * rounded half up:
 *
 * <ul>
 *   <li>duty due = the flat duty per distinct HS subheading ({@value FlatDuty#FILE}) times the
 *       distinct subheadings of the lines, converted from euro at the order date;
 *   <li>VAT due = the destination's standard rate ({@value VatRates#FILE}) times (goods + shipping
 *       + insurance - discount + duty due);
 *   <li>a shortfall is VAT due + duty due - tax collected; it is flagged when it exceeds {@code
 *       risk.revenue.tolerance-eur-cents} converted to the currency.
 * </ul>
 *
 * A consignment is not judged, and not counted in the summary, when a figure is missing (a field
 * the policy drops, a line without an HS code while the flat duty applies), when the currency has
 * no rate, when the destination has no VAT rate on the order date, or when the sums overflow.
 */
public final class RevenueDetector implements Detector {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private final RiskSettings settings;
  private final ExchangeRates rates;
  private final VatRates vat;
  private final FlatDuty duty;

  public RevenueDetector(RiskSettings settings, ReferenceData reference) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.rates = reference.exchangeRates();
    this.vat = VatRates.of(reference);
    this.duty = FlatDuty.of(reference);
  }

  /**
   * What one consignment owes and what was collected, in minor units of its currency.
   *
   * @param vatPercent the standard rate used
   * @param vatBaseMinor goods + shipping + insurance - discount + duty
   * @param subheadings the distinct HS subheadings of its lines
   * @param dutyApplies whether the flat duty applied on the order date and at this value
   */
  public record Due(
      String currency,
      LocalDate orderDate,
      BigDecimal vatPercent,
      long vatBaseMinor,
      long vatDueMinor,
      long dutyDueMinor,
      long collectedMinor,
      int subheadings,
      boolean dutyApplies,
      long toleranceMinor) {

    public long shortfallMinor() {
      return Math.subtractExact(Math.addExact(vatDueMinor, dutyDueMinor), collectedMinor);
    }
  }

  @Override
  public List<StateKey> keys(RiskRecord record) {
    return record.sellerId() == null
        ? List.of()
        : List.of(SellerSummary.key(record.marketplaceId(), record.sellerId()));
  }

  @Override
  public void assess(
      RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
    Optional<Due> computed = due(record);
    if (computed.isEmpty()) {
      return;
    }
    Due due = computed.get();
    if (due.shortfallMinor() > due.toleranceMinor()) {
      findings.add(shortfall(record, due));
    }
    if (!keys.isEmpty()) { // a seller
      StateKey key = keys.get(0);
      SellerSummary summary = SellerSummary.in(state, key);
      LocalDate date = due.orderDate();
      String period = YearMonth.of(date.getYear(), date.getMonth()).toString();
      state.write(
          key,
          summary.withRevenue(
              period, due.currency(), due.vatDueMinor(), due.dutyDueMinor(), due.collectedMinor()),
          SellerSummary::encode,
          null);
    }
  }

  /** What the consignment owes, or empty when it is not judged (see the class comment). */
  public Optional<Due> due(RiskRecord record) {
    String currency = record.currency();
    if (record.orderTime() == null
        || record.destinationCountry() == null
        || record.goodsValueMinor() == null
        || record.shippingMinor() == null
        || record.insuranceMinor() == null
        || record.discountMinor() == null
        || record.taxCollectedMinor() == null
        || MinorUnits.digits(currency).isEmpty()) {
      return Optional.empty();
    }
    LocalDate date = MinorUnits.date(record.orderTime());
    try {
      Optional<Long> goodsEur = rates.toEurCents(record.goodsValueMinor(), currency, date);
      Optional<Long> tolerance =
          rates.fromEurCents(settings.revenue().toleranceEurCents(), currency, date);
      Optional<BigDecimal> percent = vat.standardPercent(record.destinationCountry(), date);
      if (goodsEur.isEmpty()
          || tolerance.isEmpty()
          || percent.isEmpty()
          || goodsEur.get() > settings.thresholdEurCents()) {
        return Optional.empty();
      }
      Set<String> subheadings = new TreeSet<>();
      boolean everyLineClassified = true;
      for (RiskRecord.Line line : record.lines()) {
        if (line.hs6() == null) {
          everyLineClassified = false;
        } else {
          subheadings.add(line.hs6());
        }
      }
      Optional<FlatDuty.Period> period =
          duty.on(date).filter(p -> goodsEur.get() <= p.maxValueEurCents());
      long dutyDue = 0;
      if (period.isPresent()) {
        if (!everyLineClassified) {
          return Optional.empty();
        }
        Optional<Long> converted =
            rates.fromEurCents(
                Math.multiplyExact(period.get().centsPerSubheading(), (long) subheadings.size()),
                currency,
                date);
        if (converted.isEmpty()) {
          return Optional.empty();
        }
        dutyDue = converted.get();
      }
      long base =
          Math.addExact(
              Math.subtractExact(
                  Math.addExact(
                      Math.addExact(record.goodsValueMinor(), record.shippingMinor()),
                      record.insuranceMinor()),
                  record.discountMinor()),
              dutyDue);
      if (base < 0) {
        return Optional.empty();
      }
      long vatDue =
          BigDecimal.valueOf(base)
              .multiply(percent.get())
              .divide(HUNDRED, 0, RoundingMode.HALF_UP)
              .longValueExact();
      Due due =
          new Due(
              currency,
              date,
              percent.get(),
              base,
              vatDue,
              dutyDue,
              record.taxCollectedMinor(),
              subheadings.size(),
              period.isPresent(),
              tolerance.get());
      due.shortfallMinor(); // overflow check before anything is learned
      return Optional.of(due);
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static Finding shortfall(RiskRecord record, Due due) {
    String c = due.currency();
    long total = Math.addExact(due.vatDueMinor(), due.dutyDueMinor());
    long shortfall = due.shortfallMinor();
    int share =
        total <= 0 || shortfall >= total
            ? 100
            : BigInteger.valueOf(shortfall)
                .multiply(BigInteger.valueOf(100))
                .divide(BigInteger.valueOf(total))
                .intValue();
    int score = Math.min(90, 40 + share / 2);
    String rate = percent(due.vatPercent());
    StringBuilder reason = new StringBuilder();
    reason
        .append("The marketplace says it collected ")
        .append(MinorUnits.format(due.collectedMinor(), c))
        .append(" of tax on this consignment to ")
        .append(record.destinationCountry())
        .append(", but ")
        .append(MinorUnits.format(total, c))
        .append(" was due: VAT at ")
        .append(rate)
        .append(" of ")
        .append(MinorUnits.format(due.vatBaseMinor(), c))
        .append(" (goods, transport and insurance, less discount")
        .append(due.dutyApplies() ? ", plus duty" : "")
        .append(") is ")
        .append(MinorUnits.format(due.vatDueMinor(), c));
    if (due.dutyApplies()) {
      reason
          .append(", and the flat customs duty for ")
          .append(due.subheadings())
          .append(due.subheadings() == 1 ? " tariff subheading is " : " tariff subheadings is ")
          .append(MinorUnits.format(due.dutyDueMinor(), c));
    }
    reason
        .append(". ")
        .append(MinorUnits.format(shortfall, c))
        .append(" is missing. The rate used is the destination's standard rate: goods at a")
        .append(" reduced rate owe less.");
    List<Figure> figures = new ArrayList<>();
    figures.add(new Figure("vatRate", rate));
    figures.add(new Figure("vatBase", MinorUnits.format(due.vatBaseMinor(), c)));
    figures.add(new Figure("vatDue", MinorUnits.format(due.vatDueMinor(), c)));
    figures.add(new Figure("dutyDue", MinorUnits.format(due.dutyDueMinor(), c)));
    figures.add(new Figure("collected", MinorUnits.format(due.collectedMinor(), c)));
    figures.add(new Figure("shortfall", MinorUnits.format(shortfall, c)));
    figures.add(new Figure("subheadings", Integer.toString(due.subheadings())));
    figures.add(
        new Figure(
            "iossNumber", record.consignmentIoss() == null ? "none" : record.consignmentIoss()));
    return new Finding(Flag.TAX_SHORTFALL, score, reason.toString(), figures);
  }

  private static String percent(BigDecimal percent) {
    return percent.stripTrailingZeros().toPlainString() + "%";
  }
}
