package org.parcelgate.risk;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The three-way match of order, payment and shipment, where a mismatch is suspicious rather than
 * impossible (the impossible ones are validation rejections: {@code payment_amount_mismatch},
 * {@code payment_currency_mismatch}, {@code destination_mismatch}): a payer in another country than
 * the destination ({@link Flag#PAYER_COUNTRY_MISMATCH}) and a payment accepted long after the order
 * ({@link Flag#LATE_PAYMENT}). The record carries no dispatch time, so lateness is measured from
 * the order time. Keeps no state.
 */
public final class ThreeWayMatchDetector implements Detector {
  /** Paid on delivery by design: never late. */
  static final String CASH_ON_DELIVERY = "CASH_ON_DELIVERY";

  private final RiskSettings.ThreeWayMatch settings;

  public ThreeWayMatchDetector(RiskSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings").threeWayMatch();
  }

  @Override
  public List<StateKey> keys(RiskRecord record) {
    return List.of();
  }

  @Override
  public void assess(
      RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
    String payer = record.payerCountry();
    String destination = record.destinationCountry();
    if (payer != null && destination != null && !payer.equals(destination)) {
      findings.add(
          new Finding(
              Flag.PAYER_COUNTRY_MISMATCH,
              30,
              "The payer's country ("
                  + payer
                  + ") is not the country the parcel goes to ("
                  + destination
                  + "). It can be a gift or a buyer abroad, but also goods declared for the wrong"
                  + " country or bought on someone else's account.",
              List.of(
                  new Figure("payerCountry", payer),
                  new Figure("destinationCountry", destination))));
    }
    Instant ordered = record.orderTime();
    Instant paid = record.paymentTime();
    if (ordered != null
        && paid != null
        && record.paymentMethod() != null
        && !CASH_ON_DELIVERY.equals(record.paymentMethod())
        && paid.isAfter(ordered.plus(settings.latePayment()))) {
      Duration after = Duration.between(ordered, paid);
      findings.add(
          new Finding(
              Flag.LATE_PAYMENT,
              40,
              "The payment was accepted "
                  + days(after)
                  + " after the order (on "
                  + MinorUnits.date(paid)
                  + " for an order of "
                  + MinorUnits.date(ordered)
                  + "), later than the "
                  + days(settings.latePayment())
                  + " allowed, though not paid on delivery: the value or the sale may have changed"
                  + " after the goods were sent.",
              List.of(
                  new Figure("orderTime", ordered.toString()),
                  new Figure("paymentTime", paid.toString()),
                  new Figure("daysAfterOrder", Long.toString(after.toDays())),
                  new Figure("paymentMethod", record.paymentMethod()),
                  new Figure("latePaymentDays", Long.toString(settings.latePayment().toDays())))));
    }
  }

  /** A duration in whole days, or hours below a day: {@code 41 days}, {@code 5 hours}. */
  private static String days(Duration duration) {
    long days = duration.toDays();
    if (days == 0) {
      long hours = duration.toHours();
      return hours == 1 ? "1 hour" : hours + " hours";
    }
    return days == 1 ? "1 day" : days + " days";
  }
}
