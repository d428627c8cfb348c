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
 * Deterministic, valid, internally consistent transactions for tests, demos and benchmarks: order
 * {@code n} always has the same ids, goods and amounts (in EUR cents), its lines add up, its
 * payment matches the total and its shipment goes to the buyer's country. The personal data in it
 * is made up.
 */
public final class SampleTransactions {
  private static final String[] DESTINATIONS = {"NL", "DE", "FR", "BE", "IT", "ES"};
  private static final String[][] GOODS = {
    {"Bluetooth over-ear headphones with charging case", "851830", "CN"},
    {"Stainless steel kitchen knife set, 5 pieces", "82119100", "CN"},
    {"Women's cotton knitted pullover", "6110200010", "BD"},
    {"Children's wooden building blocks, 100 pieces", "950300", "VN"},
    {"USB-C charging cable, braided, 2 m", "85444290", "CN"},
    {"Ceramic coffee mug with printed design", "691200", "TR"},
  };

  private SampleTransactions() {}

  /** Order number {@code n}, placed at {@code orderTime} and paid a minute later. */
  public static Transaction valid(int n, Instant orderTime) {
    String destination = DESTINATIONS[Math.floorMod(n, DESTINATIONS.length)];
    List<LineItem> items = new ArrayList<>();
    long goods = 0;
    int lines = 2 + Math.floorMod(n, 2);
    for (int line = 1; line <= lines; line++) {
      String[] kind = GOODS[Math.floorMod(n + line, GOODS.length)];
      long quantity = 1 + Math.floorMod(n * 7 + line, 3);
      long unitPrice = 499 + Math.floorMod(n * 131 + line * 17, 2500);
      long lineTotal = quantity * unitPrice;
      goods += lineTotal;
      items.add(
          LineItem.newBuilder()
              .setLineNumber(line)
              .setSku("SKU-" + n + "-" + line)
              .setDescription(kind[0])
              .setHsCode(kind[1])
              .setQuantity(quantity)
              .setUnit("H87")
              .setUnitPriceMinor(unitPrice)
              .setLineTotalMinor(lineTotal)
              .setOriginCountry(kind[2])
              .setGrossMassGrams(250L * quantity)
              .setBrand(null)
              .setListingUrl("https://marketplace.example/listing/" + n + "-" + line)
              .build());
    }
    long shipping = 399;
    long insurance = 0;
    long discount = Math.floorMod(n, 3) == 0 ? 100 : 0;
    long tax = (goods + shipping) * 21 / 100;
    long total = goods + shipping + insurance + tax - discount;
    Instant paid = orderTime.plus(Duration.ofMinutes(1));
    return Transaction.newBuilder()
        .setTransactionId("ORD-" + n)
        .setAmendment(false)
        .setOrderTime(orderTime)
        .setIossNumber("IM5280000012")
        .setSeller(
            Seller.newBuilder()
                .setSellerId("seller-" + Math.floorMod(n, 50))
                .setName("Shenzhen Example Trading Co., Ltd. " + Math.floorMod(n, 50))
                .setType(SellerType.BUSINESS)
                .setVatNumber("NL123456789B01")
                .setIossNumber(null)
                .setEori("CN1234567890" + Math.floorMod(n, 10))
                .setTin("91440300MA5F" + String.format("%06d", Math.floorMod(n, 1_000_000)))
                .setTinCountry("CN")
                .setCountry("CN")
                .setAddress(
                    Address.newBuilder()
                        .setLine1("88 Example Road, Nanshan District")
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
                .setPhone("+31600" + String.format("%06d", Math.floorMod(n, 1_000_000)))
                .setAddress(
                    Address.newBuilder()
                        .setLine1(n + " Sample Street")
                        .setLine2(null)
                        .setCity("Sampletown")
                        .setPostalCode("1234 AB")
                        .setRegion(null)
                        .setCountry(destination)
                        .build())
                .setTaxId(null)
                .build())
        .setItems(items)
        .setAmounts(
            Amounts.newBuilder()
                .setCurrency("EUR")
                .setGoodsValueMinor(goods)
                .setShippingMinor(shipping)
                .setInsuranceMinor(insurance)
                .setDiscountMinor(discount)
                .setTaxCollectedMinor(tax)
                .setTotalPaidMinor(total)
                .build())
        .setPayment(
            Payment.newBuilder()
                .setPaymentId("PAY-" + n)
                .setTime(paid)
                .setAmountMinor(total)
                .setCurrency("EUR")
                .setMethod(PaymentMethod.CARD)
                .setPayerCountry(destination)
                .setProvider("Example Payments B.V.")
                .build())
        .setShipment(
            Shipment.newBuilder()
                .setTrackingNumber("TRK" + String.format("%010d", n))
                .setCarrier("Example Parcel Service")
                .setDispatchCountry("CN")
                .setDestinationCountry(destination)
                .setPackages(1)
                .setGrossMassGrams(300L * lines)
                .build())
        .build();
  }

  /** Orders {@code 1..count}, all placed at {@code orderTime}. */
  public static List<Transaction> batch(int count, Instant orderTime) {
    return batch(1, count, orderTime);
  }

  /** Orders {@code first..first+count-1}. */
  public static List<Transaction> batch(int first, int count, Instant orderTime) {
    List<Transaction> records = new ArrayList<>(count);
    for (int n = first; n < first + count; n++) {
      records.add(valid(n, orderTime));
    }
    return records;
  }
}
