package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IossDetectorTest {
  private static final ReferenceData REFERENCE = ReferenceData.shipped();

  private final IossDetector detector = new IossDetector(RiskSettings.defaults(), REFERENCE);
  private final MemoryRiskState state = MemoryRiskState.empty(null);

  private List<Finding> assess(Consumer<Consignment> change) {
    Consignment consignment = Consignment.of();
    change.accept(consignment);
    List<Finding> findings = new ArrayList<>();
    detector.assess(consignment.record(), state, findings);
    return findings;
  }

  private static List<Flag> flags(List<Finding> findings) {
    return findings.stream().map(Finding::flag).toList();
  }

  private static String figure(Finding finding, String name) {
    return finding.figures().stream()
        .filter(f -> f.name().equals(name))
        .map(Figure::value)
        .findFirst()
        .orElseThrow();
  }

  // --- shape -----------------------------------------------------------------------------------

  @Test
  void aWellFormedNumberIsImAndTenAsciiDigitsExactly() {
    Pattern shape = Pattern.compile("IM[0-9]{10}");
    List<String> numbers =
        List.of(
            "IM5280000012",
            "IM0000000000",
            "IM9999999999",
            "",
            "IM",
            "IM528000001",
            "IM52800000123",
            "im5280000012",
            "IN5280000012",
            "MI5280000012",
            " IM5280000012",
            "IM5280000012 ",
            "IM528000001A",
            "IM528000001/",
            "IM528000001:",
            "IM\uff15280000012",
            "IM\u0665280000012",
            "IM52800000\ud835\udfce");
    for (String number : numbers) {
      assertThat(IossMemberStates.wellFormed(number))
          .as(number)
          .isEqualTo(shape.matcher(number).matches());
    }
    assertThat(IossMemberStates.wellFormed(null)).isFalse();
  }

  // --- above the threshold ---------------------------------------------------------------------

  @Test
  void flagsAnIossNumberOnAConsignmentAboveTheThreshold() {
    List<Finding> findings = assess(c -> c.goodsValueMinor = 15_001L);

    assertThat(flags(findings)).containsExactly(Flag.IOSS_ABOVE_THRESHOLD);
    Finding finding = findings.get(0);
    assertThat(figure(finding, "goodsValueEur")).isEqualTo("150.01 EUR");
    assertThat(figure(finding, "thresholdEur")).isEqualTo("150.00 EUR");
    assertThat(finding.reason())
        .isEqualTo(
            "IOSS number IM5280000012 is declared on a consignment whose goods are worth 150.01"
                + " EUR, above the 150.00 EUR limit of the IOSS: the IOSS cannot cover this"
                + " consignment, so its VAT is due at import.");
  }

  @Test
  void doesNotFlagAnIossConsignmentAtExactlyTheThreshold() {
    assertThat(assess(c -> c.goodsValueMinor = 15_000L)).isEmpty();
  }

  @Test
  void doesNotFlagAConsignmentAboveTheThresholdWithoutAnIossNumber() {
    assertThat(
            assess(
                c -> {
                  c.goodsValueMinor = 50_000L;
                  c.consignmentIoss = null;
                }))
        .isEmpty();
  }

  @Test
  void convertsTheGoodsValueToEuroAtTheOrderDate() {
    // 175.00 USD at 1.16 USD per EUR is 150.86 EUR: above; 174.00 USD is 150.00 EUR: not.
    List<Finding> above =
        assess(
            c -> {
              c.currency = "USD";
              c.goodsValueMinor = 17_500L;
            });
    List<Finding> at =
        assess(
            c -> {
              c.currency = "USD";
              c.goodsValueMinor = 17_400L;
            });

    assertThat(flags(above)).containsExactly(Flag.IOSS_ABOVE_THRESHOLD);
    assertThat(figure(above.get(0), "goodsValue")).isEqualTo("175.00 USD");
    assertThat(figure(above.get(0), "goodsValueEur")).isEqualTo("150.86 EUR");
    assertThat(above.get(0).reason()).contains("175.00 USD (150.86 EUR on 2026-09-14)");
    assertThat(at).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"XYZ", "ZWL"})
  void doesNotJudgeTheValueOfACurrencyWithoutARate(String currency) {
    assertThat(
            assess(
                c -> {
                  c.currency = currency;
                  c.goodsValueMinor = 99_999_999L;
                }))
        .isEmpty();
  }

  @Test
  void doesNotJudgeTheValueBeforeTheFirstRateOfItsCurrency() {
    assertThat(
            assess(
                c -> {
                  c.currency = "USD";
                  c.goodsValueMinor = 99_999_999L;
                  c.orderTime = Instant.parse("2025-12-31T23:00:00Z");
                }))
        .isEmpty();
  }

  // --- member state ----------------------------------------------------------------------------

  @Test
  void flagsAWellFormedNumberThatNamesNoMemberState() {
    List<Finding> findings = assess(c -> c.consignmentIoss = "IM1560000019");

    assertThat(flags(findings)).containsExactly(Flag.IOSS_INVALID_MEMBER_STATE);
    assertThat(figure(findings.get(0), "memberStateCode")).isEqualTo("156");
    assertThat(figure(findings.get(0), "declaredAs")).isEqualTo("consignment");
    assertThat(findings.get(0).reason())
        .isEqualTo(
            "IOSS number IM1560000019 (declared on the consignment) has the right shape, but 156"
                + " is not the code of an EU Member State: no Member State can have issued it.");
  }

  @Test
  void flagsASellersOwnNumberThatNamesNoMemberState() {
    List<Finding> findings =
        assess(
            c -> {
              c.consignmentIoss = "IM8260000019";
              c.sellerIoss = "IM8260000019";
            });

    assertThat(flags(findings)).containsExactly(Flag.IOSS_INVALID_MEMBER_STATE);
    assertThat(figure(findings.get(0), "declaredAs")).isEqualTo("consignment and seller");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "IM0400000012",
        "IM3000000012",
        "IM5280000012",
        "IM7520000012",
        "IM7240000012",
        "IM1000000012",
        "IM4420000012"
      })
  void acceptsTheCodeOfEveryMemberState(String number) {
    assertThat(assess(c -> c.consignmentIoss = number)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"IM826000001", "IM52800000123", "EU5280000012", "im5280000012"})
  void leavesMalformedNumbersToValidation(String number) {
    assertThat(assess(c -> c.consignmentIoss = number)).isEmpty();
  }

  @Test
  void shipsTheTwentySevenMemberStatesAndNotNorthernIreland() {
    IossMemberStates states = IossMemberStates.of(REFERENCE);
    ReferenceData.Table table = REFERENCE.table(IossMemberStates.FILE);

    assertThat(table.rows()).hasSize(27);
    assertThat(table.rows().stream().map(r -> r.values().get(1))).doesNotContain("XI", "GB");
    assertThat(states.country("IM3000000012")).hasValue("GR");
    assertThat(states.country("IM8260000012")).isEmpty();
  }

  // --- another seller's number -----------------------------------------------------------------

  @Test
  void flagsAConsignmentCarryingAnotherSellersOwnNumber() {
    assess(
        c -> {
          c.sellerId = "seller-2";
          c.sellerIoss = "IM2760000019";
          c.consignmentIoss = "IM2760000019";
        });

    List<Finding> findings =
        assess(
            c -> {
              c.sellerId = "seller-1";
              c.consignmentIoss = "IM2760000019";
            });

    assertThat(flags(findings)).containsExactly(Flag.IOSS_OF_ANOTHER_SELLER);
    assertThat(figure(findings.get(0), "holderSellerId")).isEqualTo("seller-2");
    assertThat(findings.get(0).reason())
        .isEqualTo(
            "The consignment carries IOSS number IM2760000019, which seller seller-2 declared as"
                + " its own IOSS number, but it was sold by seller seller-1. A seller's IOSS number"
                + " covers that seller's own sales only.");
  }

  @Test
  void doesNotFlagASellerUsingItsOwnNumber() {
    Consumer<Consignment> own =
        c -> {
          c.sellerId = "seller-2";
          c.sellerIoss = "IM2760000019";
          c.consignmentIoss = "IM2760000019";
        };
    assess(own);

    assertThat(assess(own)).isEmpty();
  }

  @Test
  void doesNotFlagTheMarketplacesNumberOnManySellersConsignments() {
    for (int seller = 1; seller <= 20; seller++) {
      String id = "seller-" + seller;
      String own = String.format("IM276%06d9", seller);
      assertThat(
              assess(
                  c -> {
                    c.sellerId = id;
                    c.sellerIoss = own;
                    c.consignmentIoss = "IM5280000012";
                  }))
          .as(id)
          .isEmpty();
    }
  }

  @Test
  void doesNotFlagANumberUsedBeforeItsHolderDeclaredIt() {
    // Feed order decides: nobody had declared it as their own yet.
    assertThat(assess(c -> c.consignmentIoss = "IM2760000019")).isEmpty();
  }

  @Test
  void tellsTheSameSellerIdOfAnotherMarketplaceApart() {
    assess(
        c -> {
          c.marketplaceId = "marketplace-beta";
          c.sellerIoss = "IM2760000019";
          c.consignmentIoss = null;
        });

    List<Finding> findings = assess(c -> c.consignmentIoss = "IM2760000019");

    assertThat(flags(findings)).containsExactly(Flag.IOSS_OF_ANOTHER_SELLER);
    assertThat(figure(findings.get(0), "holderMarketplaceId")).isEqualTo("marketplace-beta");
    assertThat(findings.get(0).reason()).contains("seller seller-1 of marketplace-beta declared");
  }

  @Test
  void keepsTheFirstSellerThatDeclaredANumber() {
    assess(c -> c.sellerIoss = "IM2760000019");
    assess(
        c -> {
          c.sellerId = "seller-2";
          c.sellerIoss = "IM2760000019";
        });

    List<Finding> bySecond =
        assess(
            c -> {
              c.sellerId = "seller-2";
              c.consignmentIoss = "IM2760000019";
            });

    assertThat(flags(bySecond)).containsExactly(Flag.IOSS_OF_ANOTHER_SELLER);
    assertThat(figure(bySecond.get(0), "holderSellerId")).isEqualTo("seller-1");
  }

  @Test
  void doesNotJudgeOwnershipWhenThePolicyDropsTheSeller() {
    assess(
        c -> {
          c.sellerId = "seller-2";
          c.sellerIoss = "IM2760000019";
        });

    assertThat(
            assess(
                c -> {
                  c.sellerId = null;
                  c.consignmentIoss = "IM2760000019";
                }))
        .isEmpty();
  }

  // --- across marketplaces ---------------------------------------------------------------------

  @Test
  void flagsANumberArrivingFromASecondMarketplace() {
    assertThat(assess(c -> c.marketplaceId = "marketplace-alpha")).isEmpty();

    List<Finding> second = assess(c -> c.marketplaceId = "marketplace-beta");
    List<Finding> firstAgain = assess(c -> c.marketplaceId = "marketplace-alpha");

    assertThat(flags(second)).containsExactly(Flag.IOSS_SHARED_ACROSS_MARKETPLACES);
    assertThat(figure(second.get(0), "marketplaces")).isEqualTo("2");
    assertThat(second.get(0).reason())
        .startsWith(
            "IOSS number IM5280000012 arrives on consignments from 2 marketplaces"
                + " (marketplace-alpha, marketplace-beta).");
    assertThat(flags(firstAgain)).containsExactly(Flag.IOSS_SHARED_ACROSS_MARKETPLACES);
  }

  @Test
  void doesNotFlagOneMarketplacesNumberOnManyConsignments() {
    for (int i = 0; i < 10; i++) {
      int n = i;
      assertThat(assess(c -> c.transactionId = "ORD-" + n)).isEmpty();
    }
  }

  @Test
  void boundsTheMarketplacesItRemembersPerNumber() {
    for (int i = 0; i < 12; i++) {
      int n = i;
      assess(c -> c.marketplaceId = "marketplace-" + n);
    }

    byte[] stored = state.get(new StateKey(IossDetector.MARKETPLACES_KIND, "IM5280000012"));
    assertThat(IossDetector.Marketplaces.decode(stored).ids())
        .hasSize(IossDetector.MAX_MARKETPLACES);
    List<Finding> findings = assess(c -> c.marketplaceId = "marketplace-99");
    assertThat(figure(findings.get(0), "marketplaces")).isEqualTo("more than 8");
  }

  // --- state -----------------------------------------------------------------------------------

  @Test
  void forgetsANumbersOwnerTwoYearsAfterItsLastDeclaration() {
    Consignment declaring = Consignment.of();
    declaring.sellerId = "seller-2";
    declaring.sellerIoss = "IM2760000019";
    detector.assess(declaring.record(), state, new ArrayList<>());

    MemoryRiskState.Value owner =
        state.values().get(new StateKey(IossDetector.OWNER_KIND, "IM2760000019"));
    assertThat(owner.expiresAt())
        .isEqualTo(Instant.parse("2026-09-14T00:00:00Z").plus(IossDetector.RETENTION));

    MemoryRiskState later =
        MemoryRiskState.loaded(state.values(), owner.expiresAt().plus(Duration.ofSeconds(1)));
    Consignment using = Consignment.of();
    using.consignmentIoss = "IM2760000019";
    List<Finding> findings = new ArrayList<>();
    detector.assess(using.record(), later, findings);
    assertThat(flags(findings)).doesNotContain(Flag.IOSS_OF_ANOTHER_SELLER);
  }

  @Test
  void roundTripsItsStateEncodings() {
    IossDetector.Owner owner = new IossDetector.Owner("marketplace-alpha", "seller-1", 20_000);
    IossDetector.Marketplaces seen =
        new IossDetector.Marketplaces(List.of("marketplace-alpha", "marketplace-beta"), 20_001);

    assertThat(IossDetector.Owner.decode(owner.encode())).isEqualTo(owner);
    assertThat(IossDetector.Marketplaces.decode(seen.encode())).isEqualTo(seen);
    assertThat(owner.encode()[0]).isEqualTo((byte) 1);
  }

  @Test
  void readsOnlyTheStateItDeclares() {
    Consignment c = Consignment.of();
    c.sellerIoss = "IM2760000019";

    assertThat(detector.keys(c.record()))
        .containsExactly(
            new StateKey(IossDetector.OWNER_KIND, "IM5280000012"),
            new StateKey(IossDetector.MARKETPLACES_KIND, "IM5280000012"),
            new StateKey(IossDetector.OWNER_KIND, "IM2760000019"));
  }
}
