package org.parcelgate.validation;

import static org.parcelgate.validation.ViolationCode.AMOUNT_OVERFLOW;
import static org.parcelgate.validation.ViolationCode.BLANK_FIELD;
import static org.parcelgate.validation.ViolationCode.DESTINATION_MISMATCH;
import static org.parcelgate.validation.ViolationCode.DUPLICATE_LINE_NUMBER;
import static org.parcelgate.validation.ViolationCode.DUPLICATE_TRANSACTION_ID;
import static org.parcelgate.validation.ViolationCode.EMPTY_DESCRIPTION;
import static org.parcelgate.validation.ViolationCode.FIELD_TOO_LONG;
import static org.parcelgate.validation.ViolationCode.GENERIC_DESCRIPTION;
import static org.parcelgate.validation.ViolationCode.GOODS_VALUE_MISMATCH;
import static org.parcelgate.validation.ViolationCode.INVALID_COUNTRY;
import static org.parcelgate.validation.ViolationCode.INVALID_CURRENCY;
import static org.parcelgate.validation.ViolationCode.INVALID_EORI;
import static org.parcelgate.validation.ViolationCode.INVALID_HS_CODE;
import static org.parcelgate.validation.ViolationCode.INVALID_IOSS_NUMBER;
import static org.parcelgate.validation.ViolationCode.INVALID_LINE_NUMBER;
import static org.parcelgate.validation.ViolationCode.INVALID_TRANSACTION_ID;
import static org.parcelgate.validation.ViolationCode.INVALID_UNIT;
import static org.parcelgate.validation.ViolationCode.INVALID_VAT_NUMBER;
import static org.parcelgate.validation.ViolationCode.LINE_TOTAL_MISMATCH;
import static org.parcelgate.validation.ViolationCode.NEGATIVE_AMOUNT;
import static org.parcelgate.validation.ViolationCode.NEGATIVE_MASS;
import static org.parcelgate.validation.ViolationCode.NON_POSITIVE_QUANTITY;
import static org.parcelgate.validation.ViolationCode.NO_LINE_ITEMS;
import static org.parcelgate.validation.ViolationCode.ORDER_TIME_IN_FUTURE;
import static org.parcelgate.validation.ViolationCode.ORDER_TIME_TOO_OLD;
import static org.parcelgate.validation.ViolationCode.PAYMENT_AMOUNT_MISMATCH;
import static org.parcelgate.validation.ViolationCode.PAYMENT_BEFORE_ORDER;
import static org.parcelgate.validation.ViolationCode.PAYMENT_CURRENCY_MISMATCH;
import static org.parcelgate.validation.ViolationCode.PAYMENT_TIME_IN_FUTURE;
import static org.parcelgate.validation.ViolationCode.TOTAL_PAID_MISMATCH;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.parcelgate.schema.Address;
import org.parcelgate.schema.Amounts;
import org.parcelgate.schema.LineItem;
import org.parcelgate.schema.Payment;
import org.parcelgate.schema.Seller;
import org.parcelgate.schema.Shipment;
import org.parcelgate.schema.Transaction;

/**
 * The data rules of a transaction: formats, consistency of amounts, the order/payment and
 * order/shipment matches, plausibility of times, and goods descriptions that actually describe.
 * Every violation names the record, the field path, a stable {@link ViolationCode} and a fixed
 * message; messages never repeat the record's values.
 *
 * <p><b>Money.</b> Amounts are integers in minor units of one currency, so every sum is exact and
 * no rounding rule is needed: the validator compares them for equality. Products and sums use
 * {@link Math#multiplyExact} and {@link Math#addExact}; a result beyond 64 bits is {@link
 * ViolationCode#AMOUNT_OVERFLOW}, never a wrapped-around number that happens to match.
 *
 * <p><b>Countries.</b> Every country field must be an ISO 3166-1 alpha-2 code in capitals, as
 * {@link Locale#getISOCountries()} lists them, or {@code XK}. Kosovo has no ISO code, but {@code
 * XK} is the user-assigned code that the European Commission, the EU nomenclature of countries and
 * Kosovo's IBANs use (CESOP derives the payer's country from the IBAN); refusing it would push
 * marketplaces to declare a wrong country. No other user-assigned code is accepted ({@code XI} only
 * as a VAT or EORI prefix, {@code EU} nowhere).
 *
 * <p><b>Currencies.</b> ISO 4217 codes known to {@link Currency}, except those without a minor unit
 * (no money: {@code XXX}, {@code XTS}, precious metals, fund units) and the withdrawn ones the JDK
 * still lists (euro predecessors such as {@code DEM}, {@code HRK}, and other replaced codes).
 *
 * <p>Records are expected with every non-optional field set, as the Avro decoder and the generated
 * builders guarantee; a required text that is nevertheless null is reported like a blank one. Plain
 * Java, immutable, thread-safe, no I/O.
 */
public final class TransactionValidator {
  private static final String KOSOVO = "XK";
  private static final String NORTHERN_IRELAND = "XI";

  private static final Set<String> COUNTRIES =
      Stream.concat(Stream.of(Locale.getISOCountries()), Stream.of(KOSOVO))
          .collect(Collectors.toUnmodifiableSet());

  private static final Set<String> EORI_COUNTRIES =
      Stream.concat(Stream.of(Locale.getISOCountries()), Stream.of(NORTHERN_IRELAND))
          .collect(Collectors.toUnmodifiableSet());

  /** ISO 4217 codes withdrawn long ago that the JDK's currency data still lists. */
  private static final Set<String> WITHDRAWN_CURRENCIES =
      Set.of(
          "ADP", "AFA", "ATS", "AYM", "AZM", "BEF", "BGL", "BYB", "BYR", "CSD", "CYP", "DEM", "EEK",
          "ESP", "FIM", "FRF", "GHC", "GRD", "GWP", "HRK", "IEP", "ITL", "LTL", "LUF", "LVL", "MGF",
          "MRO", "MTL", "MZM", "NLG", "PTE", "ROL", "RUR", "SDD", "SIT", "SKK", "SRG", "STD", "TMM",
          "TPE", "TRL", "USS", "VEB", "VEF", "YUM", "ZMK", "ZWD", "ZWN", "ZWR");

  private static final Set<String> CURRENCIES =
      Currency.getAvailableCurrencies().stream()
          .filter(currency -> currency.getDefaultFractionDigits() >= 0)
          .map(Currency::getCurrencyCode)
          .filter(code -> !WITHDRAWN_CURRENCIES.contains(code))
          .collect(Collectors.toUnmodifiableSet());

  // The formats checked on every record and line (transaction id, HS code, unit, IOSS number) and
  // the normalization of descriptions are written out by hand below: as regular expressions they
  // were the largest part of validating a batch. FormatsTest holds the expressions they replace
  // and compares them on generated strings. The rarer formats stay expressions.
  private static final Pattern EORI = Pattern.compile("[A-Z]{2}[A-Z0-9]{1,15}");
  private static final int MAX_IDENTIFIER_LENGTH = 128;

  /**
   * National formats after the VAT prefix, as the Commission's VIES publishes them, for the 27
   * Member States, {@code EL} for Greece and {@code XI} for Northern Ireland. Check digits are not
   * computed.
   */
  private static final Map<String, Pattern> VAT_FORMATS =
      Map.ofEntries(
          Map.entry("AT", Pattern.compile("U\\d{8}")),
          Map.entry("BE", Pattern.compile("[01]\\d{9}")),
          Map.entry("BG", Pattern.compile("\\d{9,10}")),
          Map.entry("CY", Pattern.compile("\\d{8}[A-Z]")),
          Map.entry("CZ", Pattern.compile("\\d{8,10}")),
          Map.entry("DE", Pattern.compile("\\d{9}")),
          Map.entry("DK", Pattern.compile("\\d{8}")),
          Map.entry("EE", Pattern.compile("\\d{9}")),
          Map.entry("EL", Pattern.compile("\\d{9}")),
          Map.entry("ES", Pattern.compile("[A-Z0-9]\\d{7}[A-Z0-9]")),
          Map.entry("FI", Pattern.compile("\\d{8}")),
          Map.entry("FR", Pattern.compile("[A-HJ-NP-Z0-9]{2}\\d{9}")),
          Map.entry("HR", Pattern.compile("\\d{11}")),
          Map.entry("HU", Pattern.compile("\\d{8}")),
          Map.entry("IE", Pattern.compile("\\d{7}[A-W][A-IW]?|\\d[A-Z+*]\\d{5}[A-W]")),
          Map.entry("IT", Pattern.compile("\\d{11}")),
          Map.entry("LT", Pattern.compile("\\d{9}|\\d{12}")),
          Map.entry("LU", Pattern.compile("\\d{8}")),
          Map.entry("LV", Pattern.compile("\\d{11}")),
          Map.entry("MT", Pattern.compile("\\d{8}")),
          Map.entry("NL", Pattern.compile("\\d{9}B\\d{2}")),
          Map.entry("PL", Pattern.compile("\\d{10}")),
          Map.entry("PT", Pattern.compile("\\d{9}")),
          Map.entry("RO", Pattern.compile("\\d{2,10}")),
          Map.entry("SE", Pattern.compile("\\d{10}01")),
          Map.entry("SI", Pattern.compile("\\d{8}")),
          Map.entry("SK", Pattern.compile("\\d{10}")),
          Map.entry("XI", Pattern.compile("\\d{9}|\\d{12}|GD\\d{3}|HA\\d{3}")));

  private final ValidationPolicy policy;
  private final Clock clock;
  private final Set<String> generic;

  /**
   * @param policy tolerances and the generic descriptions
   * @param clock the source of "now" for the order and payment time rules
   */
  public TransactionValidator(ValidationPolicy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
    this.generic =
        policy.genericDescriptions().stream()
            .map(TransactionValidator::normalize)
            .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Judges every record on its own, and flags the second and later occurrences of a transaction id
   * in the batch with {@link ViolationCode#DUPLICATE_TRANSACTION_ID}.
   *
   * @return the indexes of the records without violation, in order, and every violation, ordered by
   *     record
   */
  public BatchValidation validateBatch(List<Transaction> records) {
    List<Integer> accepted = new ArrayList<>();
    List<Violation> violations = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int index = 0; index < records.size(); index++) {
      List<Violation> found = new ArrayList<>(validate(index, records.get(index)));
      if (!seen.add(records.get(index).getTransactionId())) {
        found.add(
            new Violation(
                index,
                "transactionId",
                DUPLICATE_TRANSACTION_ID,
                "an earlier record of this batch has the same transaction id"));
      }
      if (found.isEmpty()) {
        accepted.add(index);
      }
      violations.addAll(found);
    }
    return new BatchValidation(accepted, violations);
  }

  /**
   * All violations of one record, in the order of the schema's fields; empty when it is valid.
   *
   * @param recordIndex the record's position in its batch, copied into every violation
   */
  public List<Violation> validate(int recordIndex, Transaction transaction) {
    Check check = new Check(recordIndex);
    String id = transaction.getTransactionId();
    if (check.notBlank("transactionId", id) && !isTransactionId(id)) {
      check.add(
          "transactionId",
          INVALID_TRANSACTION_ID,
          "must be 1 to 128 printable ASCII characters without spaces");
    }
    times(check, transaction);
    check.ioss("iossNumber", transaction.getIossNumber());
    seller(check, transaction.getSeller());
    buyer(check, transaction);
    items(check, transaction.getItems());
    amounts(check, transaction);
    payment(check, transaction);
    shipment(check, transaction);
    return List.copyOf(check.violations);
  }

  private void times(Check check, Transaction transaction) {
    Instant now = clock.instant();
    Instant latest = now.plus(policy.clockSkew());
    Instant ordered = transaction.getOrderTime();
    if (ordered.isAfter(latest)) {
      check.add("orderTime", ORDER_TIME_IN_FUTURE, "the order time lies in the future");
    } else if (ordered.isBefore(now.minus(policy.maxOrderAge()))) {
      check.add(
          "orderTime",
          ORDER_TIME_TOO_OLD,
          "the order is older than " + policy.maxOrderAge().toDays() + " days");
    }
    Instant paid = transaction.getPayment().getTime();
    if (paid.isAfter(latest)) {
      check.add("payment.time", PAYMENT_TIME_IN_FUTURE, "the payment time lies in the future");
    }
    if (paid.isBefore(ordered.minus(policy.clockSkew()))) {
      check.add("payment.time", PAYMENT_BEFORE_ORDER, "the payment precedes the order");
    }
  }

  private static void seller(Check check, Seller seller) {
    check.identifier("seller.sellerId", seller.getSellerId());
    check.notBlank("seller.name", seller.getName());
    String vat = seller.getVatNumber();
    if (vat != null && !validVat(vat)) {
      check.add(
          "seller.vatNumber",
          INVALID_VAT_NUMBER,
          "must be an EU VAT prefix followed by that country's VAT number format");
    }
    check.ioss("seller.iossNumber", seller.getIossNumber());
    String eori = seller.getEori();
    if (eori != null
        && !(EORI.matcher(eori).matches() && EORI_COUNTRIES.contains(eori.substring(0, 2)))) {
      check.add(
          "seller.eori",
          INVALID_EORI,
          "must be a country code followed by 1 to 15 letters or digits");
    }
    if (seller.getTinCountry() != null) {
      check.country("seller.tinCountry", seller.getTinCountry());
    }
    check.country("seller.country", seller.getCountry());
    address(check, "seller.address", seller.getAddress());
  }

  private static void buyer(Check check, Transaction transaction) {
    var buyer = transaction.getBuyer();
    check.identifier("buyer.buyerId", buyer.getBuyerId());
    check.notBlank("buyer.name", buyer.getName());
    address(check, "buyer.address", buyer.getAddress());
  }

  private static void address(Check check, String path, Address address) {
    check.notBlank(path + ".line1", address.getLine1());
    check.notBlank(path + ".city", address.getCity());
    check.country(path + ".country", address.getCountry());
  }

  private void items(Check check, List<LineItem> items) {
    if (items.isEmpty()) {
      check.add("items", NO_LINE_ITEMS, "a transaction needs at least one line item");
      return;
    }
    Set<Integer> lineNumbers = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      LineItem item = items.get(i);
      String path = "items[" + i + "]";
      if (item.getLineNumber() < 1) {
        check.add(path + ".lineNumber", INVALID_LINE_NUMBER, "line numbers start at 1");
      } else if (!lineNumbers.add(item.getLineNumber())) {
        check.add(path + ".lineNumber", DUPLICATE_LINE_NUMBER, "another line has the same number");
      }
      description(check, path + ".description", item.getDescription());
      if (item.getHsCode() == null || !isHsCode(item.getHsCode())) {
        check.add(path + ".hsCode", INVALID_HS_CODE, "must be 6, 8 or 10 digits");
      }
      if (item.getQuantity() <= 0) {
        check.add(path + ".quantity", NON_POSITIVE_QUANTITY, "must be positive");
      }
      if (item.getUnit() == null || !isUnit(item.getUnit())) {
        check.add(path + ".unit", INVALID_UNIT, "must be a UN/ECE Recommendation 20 unit code");
      }
      check.nonNegative(path + ".unitPriceMinor", item.getUnitPriceMinor());
      check.nonNegative(path + ".lineTotalMinor", item.getLineTotalMinor());
      // Only a meaningful product is compared: a bad quantity or price is already reported.
      if (item.getQuantity() > 0 && item.getUnitPriceMinor() >= 0) {
        try {
          if (Math.multiplyExact(item.getQuantity(), item.getUnitPriceMinor())
              != item.getLineTotalMinor()) {
            check.add(
                path + ".lineTotalMinor", LINE_TOTAL_MISMATCH, "must be quantity times unit price");
          }
        } catch (ArithmeticException e) {
          check.add(
              path + ".lineTotalMinor", AMOUNT_OVERFLOW, "quantity times unit price overflows");
        }
      }
      check.country(path + ".originCountry", item.getOriginCountry());
      if (item.getGrossMassGrams() != null && item.getGrossMassGrams() < 0) {
        check.add(path + ".grossMassGrams", NEGATIVE_MASS, "must not be negative");
      }
    }
  }

  private void description(Check check, String path, String description) {
    if (description == null || letters(description) < 3) {
      check.add(path, EMPTY_DESCRIPTION, "must describe the goods in at least 3 letters");
    } else if (generic.contains(normalize(description))) {
      check.add(path, GENERIC_DESCRIPTION, "must say what the goods are, not a generic word");
    }
  }

  private static void amounts(Check check, Transaction transaction) {
    Amounts amounts = transaction.getAmounts();
    check.currency("amounts.currency", amounts.getCurrency());
    check.nonNegative("amounts.goodsValueMinor", amounts.getGoodsValueMinor());
    check.nonNegative("amounts.shippingMinor", amounts.getShippingMinor());
    check.nonNegative("amounts.insuranceMinor", amounts.getInsuranceMinor());
    check.nonNegative("amounts.discountMinor", amounts.getDiscountMinor());
    check.nonNegative("amounts.taxCollectedMinor", amounts.getTaxCollectedMinor());
    check.nonNegative("amounts.totalPaidMinor", amounts.getTotalPaidMinor());
    try {
      long goods = 0;
      for (LineItem item : transaction.getItems()) {
        goods = Math.addExact(goods, item.getLineTotalMinor());
      }
      if (goods != amounts.getGoodsValueMinor()) {
        check.add(
            "amounts.goodsValueMinor", GOODS_VALUE_MISMATCH, "must be the sum of the line totals");
      }
    } catch (ArithmeticException e) {
      check.add("amounts.goodsValueMinor", AMOUNT_OVERFLOW, "the sum of the line totals overflows");
    }
    try {
      long total =
          Math.subtractExact(
              Math.addExact(
                  Math.addExact(
                      Math.addExact(amounts.getGoodsValueMinor(), amounts.getShippingMinor()),
                      amounts.getInsuranceMinor()),
                  amounts.getTaxCollectedMinor()),
              amounts.getDiscountMinor());
      if (total != amounts.getTotalPaidMinor()) {
        check.add(
            "amounts.totalPaidMinor",
            TOTAL_PAID_MISMATCH,
            "must be goods + shipping + insurance + tax - discount");
      }
    } catch (ArithmeticException e) {
      check.add(
          "amounts.totalPaidMinor",
          AMOUNT_OVERFLOW,
          "goods + shipping + insurance + tax - discount overflows");
    }
  }

  private static void payment(Check check, Transaction transaction) {
    Payment payment = transaction.getPayment();
    check.identifier("payment.paymentId", payment.getPaymentId());
    check.nonNegative("payment.amountMinor", payment.getAmountMinor());
    if (payment.getAmountMinor() != transaction.getAmounts().getTotalPaidMinor()) {
      check.add("payment.amountMinor", PAYMENT_AMOUNT_MISMATCH, "must equal the total paid");
    }
    if (check.currency("payment.currency", payment.getCurrency())
        && !payment.getCurrency().equals(transaction.getAmounts().getCurrency())) {
      check.add(
          "payment.currency", PAYMENT_CURRENCY_MISMATCH, "must be the currency of the amounts");
    }
    check.country("payment.payerCountry", payment.getPayerCountry());
  }

  private static void shipment(Check check, Transaction transaction) {
    Shipment shipment = transaction.getShipment();
    check.identifier("shipment.trackingNumber", shipment.getTrackingNumber());
    check.identifier("shipment.carrier", shipment.getCarrier());
    check.country("shipment.dispatchCountry", shipment.getDispatchCountry());
    // Compared only when both are countries: a bad code is already reported as such.
    if (check.country("shipment.destinationCountry", shipment.getDestinationCountry())
        && isCountry(transaction.getBuyer().getAddress().getCountry())
        && !shipment
            .getDestinationCountry()
            .equals(transaction.getBuyer().getAddress().getCountry())) {
      check.add(
          "shipment.destinationCountry",
          DESTINATION_MISMATCH,
          "must be the country of the buyer's address");
    }
    if (shipment.getPackages() <= 0) {
      check.add("shipment.packages", NON_POSITIVE_QUANTITY, "must be positive");
    }
    if (shipment.getGrossMassGrams() < 0) {
      check.add("shipment.grossMassGrams", NEGATIVE_MASS, "must not be negative");
    }
  }

  private static boolean isCountry(String code) {
    return code != null && COUNTRIES.contains(code);
  }

  private static boolean validVat(String vat) {
    if (vat.length() < 3) {
      return false;
    }
    Pattern national = VAT_FORMATS.get(vat.substring(0, 2));
    return national != null && national.matcher(vat.substring(2)).matches();
  }

  /** Counts letters up to 3: cheaper than a regular expression on every line of every record. */
  private static int letters(String text) {
    int letters = 0;
    for (int i = 0; i < text.length() && letters < 3; i++) {
      if (Character.isLetter(text.charAt(i))) {
        letters++;
      }
    }
    return letters;
  }

  /**
   * White space ({@code [\\s\\p{Z}]}) collapsed to one space, everything but letters and numbers
   * ({@code [^\\p{L}\\p{N}]}) removed at either end, lower case: what {@code
   * replaceAll("[\\s\\p{Z}]+", " ")} then {@code replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$",
   * "")} did, without them.
   */
  static String normalize(String text) {
    int start = 0;
    int end = text.length();
    while (start < end) {
      int c = text.codePointAt(start);
      if (isLetterOrNumber(c)) {
        break;
      }
      start += Character.charCount(c);
    }
    while (end > start) {
      int c = text.codePointBefore(end);
      if (isLetterOrNumber(c)) {
        break;
      }
      end -= Character.charCount(c);
    }
    StringBuilder collapsed = null;
    int i = start;
    while (i < end) {
      char c = text.charAt(i);
      if (!isSpace(c)) {
        if (collapsed != null) {
          collapsed.append(c);
        }
        i++;
        continue;
      }
      int run = i + 1;
      while (run < end && isSpace(text.charAt(run))) {
        run++;
      }
      if (collapsed == null && (c != ' ' || run > i + 1)) {
        collapsed = new StringBuilder(end - start).append(text, start, i);
      }
      if (collapsed != null) {
        collapsed.append(' ');
      }
      i = run;
    }
    String core = collapsed == null ? text.substring(start, end) : collapsed.toString();
    return core.toLowerCase(Locale.ROOT);
  }

  /** {@code [\\s\\p{Z}]}: ASCII white space or a Unicode separator (all in the BMP). */
  private static boolean isSpace(char c) {
    if (c <= ' ') {
      return c == ' ' || (c >= '\t' && c <= '\r');
    }
    return switch (Character.getType(c)) {
      case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR ->
          true;
      default -> false;
    };
  }

  /** {@code [\\p{L}\\p{N}]}. */
  private static boolean isLetterOrNumber(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER ->
          true;
      default -> false;
    };
  }

  /** {@code [\\x21-\\x7e]{1,128}}. */
  public static boolean isTransactionId(String text) {
    if (text.isEmpty() || text.length() > 128) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** {@code \\d{6}|\\d{8}|\\d{10}} ({@code \\d} is ASCII). */
  static boolean isHsCode(String text) {
    int length = text.length();
    return (length == 6 || length == 8 || length == 10) && digits(text, 0, length);
  }

  /** {@code [A-Z0-9]{2,3}}. */
  static boolean isUnit(String text) {
    int length = text.length();
    if (length < 2 || length > 3) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) {
        return false;
      }
    }
    return true;
  }

  /** {@code IM\\d{10}}. */
  static boolean isIoss(String text) {
    return text.length() == 12 && text.startsWith("IM") && digits(text, 2, 12);
  }

  private static boolean digits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Collects the violations of one record. */
  private static final class Check {
    private final int recordIndex;
    private final List<Violation> violations = new ArrayList<>();

    Check(int recordIndex) {
      this.recordIndex = recordIndex;
    }

    void add(String field, ViolationCode code, String message) {
      violations.add(new Violation(recordIndex, field, code, message));
    }

    boolean notBlank(String field, String value) {
      if (value == null || value.isBlank()) {
        add(field, BLANK_FIELD, "must not be empty");
        return false;
      }
      return true;
    }

    /** Identifiers are indexed and matched by customs: not blank, at most 128 characters. */
    void identifier(String field, String value) {
      if (notBlank(field, value) && value.length() > MAX_IDENTIFIER_LENGTH) {
        add(field, FIELD_TOO_LONG, "must be at most " + MAX_IDENTIFIER_LENGTH + " characters");
      }
    }

    boolean country(String field, String value) {
      if (!isCountry(value)) {
        add(field, INVALID_COUNTRY, "must be an ISO 3166-1 alpha-2 country code");
        return false;
      }
      return true;
    }

    boolean currency(String field, String value) {
      if (value == null || !CURRENCIES.contains(value)) {
        add(field, INVALID_CURRENCY, "must be an ISO 4217 currency code in use");
        return false;
      }
      return true;
    }

    void ioss(String field, String value) {
      if (value != null && !isIoss(value)) {
        add(field, INVALID_IOSS_NUMBER, "must be IM followed by 10 digits");
      }
    }

    void nonNegative(String field, long amount) {
      if (amount < 0) {
        add(field, NEGATIVE_AMOUNT, "must not be negative");
      }
    }
  }
}
