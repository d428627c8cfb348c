package org.parcelgate.schema.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

/**
 * Deterministic, valid, internally consistent transactions for tests, demos and benchmarks.
 *
 * <p>Order {@code n} always has the same content for the same order time: two or three lines of
 * specific goods with real 6, 8 or 10-digit HS codes, each at a plausible price for the goods
 * (within 20% of its usual price, so honest sample orders raise no undervaluation flag); amounts in
 * EUR cents that add up exactly (line total = quantity x unit price, goods value = sum of lines,
 * total paid = goods + shipping + insurance + tax - discount, the tax being the VAT at the
 * destination's standard rate on goods, shipping and insurance less the discount, plus, for orders
 * from 1 July 2026 until 1 July 2028, the EU's flat duty of EUR 3 per distinct tariff subheading
 * and the VAT on it); a goods value below EUR 150, so the consignment's IOSS number is plausible; a
 * payment of exactly the total, one minute after the order, from the buyer's country; a shipment to
 * the buyer's EU country. The seller is a business established in China with a Dutch VAT number and
 * EORI, as a non-EU seller registered in the EU would have.
 *
 * <p>{@code transactionId} ({@code ORD-n}), {@code payment.paymentId} ({@code PAY-n}), {@code
 * buyer.buyerId} and {@code shipment.trackingNumber} (a UPU S10 number whose serial is {@code n})
 * are unique per {@code n}. Every name, address and identifier is made up; the personal data is
 * fake but shaped like the real thing, so privacy code has something to work on.
 */
public final class SampleTransactions {
  /** The largest order number: the tracking number's serial has eight digits. */
  public static final int MAX_ORDER_NUMBER = 99_999_999;

  /** The consignment's IOSS number (the marketplace's, as deemed supplier): IM + 528 (NL) + 7. */
  public static final String MARKETPLACE_IOSS = "IM5280000012";

  /** How many sellers the transactions cycle through: transaction {@code n} has seller n % 50. */
  public static final int SELLERS = 50;

  /** Destination country, city, postal code and the standard VAT rate in percent. */
  private record Destination(String country, String city, String postalCode, int vatPercent) {}

  private static final Destination[] DESTINATIONS = {
    new Destination("NL", "Utrecht", "3511 AB", 21),
    new Destination("DE", "Leipzig", "04109", 19),
    new Destination("FR", "Lyon", "69002", 20),
    new Destination("BE", "Gent", "9000", 21),
    new Destination("IT", "Bologna", "40121", 22),
    new Destination("ES", "Valencia", "46001", 21),
  };

  /**
   * Description, HS code, country of origin, brand (or null), gross mass of one unit in grams, and
   * the usual price of one unit in euro cents, around which an order's price varies by up to 20%.
   */
  private record Goods(
      String description,
      String hsCode,
      String origin,
      String brand,
      long gramsPerUnit,
      long usualPriceCents) {}

  private static final Goods[] GOODS = {
    new Goods(
        "Bluetooth over-ear headphones with charging case", "851830", "CN", "Sonoro", 310, 2900),
    new Goods("Stainless steel kitchen knife set, 5 pieces", "82119200", "CN", null, 820, 2200),
    new Goods("Women's cotton knitted pullover", "6110209900", "BD", null, 290, 1900),
    new Goods("Children's wooden building blocks, 100 pieces", "950300", "VN", "Kubi", 1150, 1700),
    new Goods("USB-C charging cable, braided, 2 m", "85444290", "CN", "Voltline", 60, 600),
    new Goods("Ceramic coffee mug with printed design", "691200", "TR", null, 380, 800),
    new Goods("LED desk lamp with USB charging port", "940521", "CN", "Lumio", 900, 1600),
    new Goods("Men's cotton T-shirt, printed, short sleeves", "6109100010", "PK", null, 180, 700),
  };

  private SampleTransactions() {}

  /**
   * Order number {@code n}, placed at {@code orderTime} and paid a minute later.
   *
   * @throws IllegalArgumentException if {@code n} is not between 0 and {@link #MAX_ORDER_NUMBER}
   */
  public static Transaction valid(int n, Instant orderTime) {
    if (n < 0 || n > MAX_ORDER_NUMBER) {
      throw new IllegalArgumentException("order number must be 0.." + MAX_ORDER_NUMBER);
    }
    Destination destination = DESTINATIONS[n % DESTINATIONS.length];
    int lines = 2 + n % 2;
    List<LineItem> items = new ArrayList<>(lines);
    long goodsValue = 0;
    long grossMass = 0;
    for (int line = 1; line <= lines; line++) {
      Goods goods = GOODS[(n + line) % GOODS.length];
      long quantity = 1 + (n + line) % 2;
      long unitPrice = goods.usualPriceCents() * (80 + (n * 131L + line * 17L) % 41) / 100;
      long lineTotal = quantity * unitPrice;
      long mass = quantity * goods.gramsPerUnit();
      goodsValue += lineTotal;
      grossMass += mass;
      items.add(
          LineItem.newBuilder()
              .setLineNumber(line)
              .setSku("SKU-" + n + "-" + line)
              .setDescription(goods.description())
              .setHsCode(goods.hsCode())
              .setQuantity(quantity)
              .setUnit("H87")
              .setUnitPriceMinor(unitPrice)
              .setLineTotalMinor(lineTotal)
              .setOriginCountry(goods.origin())
              .setGrossMassGrams(mass)
              .setBrand(goods.brand())
              .setListingUrl("https://marketplace.example/listing/" + n + "-" + line)
              .build());
    }
    long shipping = 399;
    long insurance = n % 4 == 0 ? 150 : 0;
    long discount = n % 3 == 0 ? 100 : 0;
    // The EU's flat duty on low-value consignments ordered within its dates: EUR 3 per distinct
    // tariff subheading. VAT on goods, shipping and insurance less the discount, plus that duty,
    // rounded half up to the cent. The marketplace collects both at checkout.
    long duty = flatDutyApplies(orderTime) ? FLAT_DUTY_CENTS * subheadings(items) : 0;
    long taxable = goodsValue + shipping + insurance - discount + duty;
    long tax = (taxable * destination.vatPercent() + 50) / 100 + duty;
    long total = goodsValue + shipping + insurance + tax - discount;
    int seller = n % SELLERS;
    return Transaction.newBuilder()
        .setTransactionId("ORD-" + n)
        .setAmendment(false)
        .setOrderTime(orderTime)
        .setIossNumber(MARKETPLACE_IOSS)
        .setSeller(
            Seller.newBuilder()
                .setSellerId("seller-" + seller)
                .setName("Shenzhen Example Trading Co., Ltd. " + seller)
                .setType(SellerType.BUSINESS)
                .setVatNumber(String.format("NL%09dB01", 826_000_000 + seller))
                .setIossNumber(null)
                .setEori(String.format("NL%09d", 826_000_000 + seller))
                .setTin(String.format("91440300MA5F%06d", seller))
                .setTinCountry("CN")
                .setCountry("CN")
                .setAddress(
                    Address.newBuilder()
                        .setLine1((88 + seller) + " Example Road, Nanshan District")
                        .setLine2(null)
                        .setCity("Shenzhen")
                        .setPostalCode("518000")
                        .setRegion("Guangdong")
                        .setCountry("CN")
                        .build())
                .setVerificationStatus(VerificationStatus.VERIFIED)
                .build())
        .setBuyer(
            Buyer.newBuilder()
                .setBuyerId("buyer-" + n)
                .setName("Sample Buyer " + n)
                .setEmail("buyer" + n + "@mail.example")
                .setPhone(String.format("+31600%06d", n % 1_000_000))
                .setAddress(
                    Address.newBuilder()
                        .setLine1((1 + n % 200) + " Sample Street")
                        .setLine2(null)
                        .setCity(destination.city())
                        .setPostalCode(destination.postalCode())
                        .setRegion(null)
                        .setCountry(destination.country())
                        .build())
                .setTaxId(null)
                .build())
        .setItems(items)
        .setAmounts(
            Amounts.newBuilder()
                .setCurrency("EUR")
                .setGoodsValueMinor(goodsValue)
                .setShippingMinor(shipping)
                .setInsuranceMinor(insurance)
                .setDiscountMinor(discount)
                .setTaxCollectedMinor(tax)
                .setTotalPaidMinor(total)
                .build())
        .setPayment(
            Payment.newBuilder()
                .setPaymentId("PAY-" + n)
                .setTime(orderTime.plus(Duration.ofMinutes(1)))
                .setAmountMinor(total)
                .setCurrency("EUR")
                .setMethod(PaymentMethod.CARD)
                .setPayerCountry(destination.country())
                .setProvider("Example Payments B.V.")
                .build())
        .setShipment(
            Shipment.newBuilder()
                .setTrackingNumber(trackingNumber(n))
                .setCarrier("Example Parcel Service")
                .setDispatchCountry("CN")
                .setDestinationCountry(destination.country())
                .setPackages(1)
                .setGrossMassGrams(grossMass + 120)
                .build())
        .build();
  }

  /** The flat duty per distinct tariff subheading, in euro cents. */
  private static final long FLAT_DUTY_CENTS = 300;

  /** The flat duty applies to consignments ordered from 1 July 2026 until 1 July 2028. */
  private static boolean flatDutyApplies(Instant orderTime) {
    return !orderTime.isBefore(Instant.parse("2026-07-01T00:00:00Z"))
        && orderTime.isBefore(Instant.parse("2028-07-01T00:00:00Z"));
  }

  private static long subheadings(List<LineItem> items) {
    return items.stream().map(item -> item.getHsCode().substring(0, 6)).distinct().count();
  }

  /** Orders {@code 1..count}, all placed at {@code orderTime}. */
  public static List<Transaction> batch(int count, Instant orderTime) {
    return batch(1, count, orderTime);
  }

  /** Orders {@code first..first+count-1}, all placed at {@code orderTime}. */
  public static List<Transaction> batch(int first, int count, Instant orderTime) {
    List<Transaction> records = new ArrayList<>(count);
    for (int n = first; n < first + count; n++) {
      records.add(valid(n, orderTime));
    }
    return records;
  }

  /**
   * A UPU S10 item identifier for order {@code n}: service {@code LX}, the 8-digit serial {@code
   * n}, its check digit (weights 8 6 4 2 3 5 9 7, 11 minus the sum modulo 11, 10 becomes 0 and 11
   * becomes 5), and the country of posting {@code CN}.
   */
  static String trackingNumber(int n) {
    String serial = String.format("%08d", n);
    int[] weights = {8, 6, 4, 2, 3, 5, 9, 7};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += (serial.charAt(i) - '0') * weights[i];
    }
    int check = 11 - sum % 11;
    if (check == 10) {
      check = 0;
    } else if (check == 11) {
      check = 5;
    }
    return "LX" + serial + check + "CN";
  }
}
