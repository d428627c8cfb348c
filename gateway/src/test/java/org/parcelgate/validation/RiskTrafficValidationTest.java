package org.parcelgate.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.FraudPattern;
import org.parcelgate.schema.sample.LabelledParcel;
import org.parcelgate.schema.sample.RiskMix;
import org.parcelgate.schema.sample.RiskTraffic;

/** The risk traffic is accepted by the gateway's validation, fraud patterns and all. */
class RiskTrafficValidationTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 20_261_202})
  void validationAcceptsEveryGeneratedRecord(long seed) {
    RiskMix mix =
        RiskMix.defaults()
            .withSeed(seed)
            .withParcels(8_000)
            .withRate(FraudPattern.SPLIT, 0.2)
            .withRate(FraudPattern.IOSS_INVALID_MEMBER_STATE, 0.05)
            .withRate(FraudPattern.LATE_PAYMENT, 0.05);
    List<Transaction> records =
        RiskTraffic.generate(mix).stream().map(LabelledParcel::transaction).toList();
    TransactionValidator validator =
        new TransactionValidator(
            ValidationPolicy.defaults(), Clock.fixed(mix.settledAt(), ZoneOffset.UTC));
    BatchValidation result = validator.validateBatch(records);
    assertThat(result.violations()).isEmpty();
    assertThat(result.acceptedIndexes()).hasSize(records.size());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 3})
  void validationBeforeThePaymentsRefusesTheRecordsPaidLater(long seed) {
    RiskMix mix = RiskMix.defaults().withSeed(seed).withParcels(2_000);
    List<Transaction> records =
        RiskTraffic.generate(mix).stream().map(LabelledParcel::transaction).toList();
    TransactionValidator validator =
        new TransactionValidator(
            ValidationPolicy.defaults(),
            Clock.fixed(mix.start().plus(mix.period()), ZoneOffset.UTC));
    BatchValidation result = validator.validateBatch(records);
    assertThat(result.violations())
        .isNotEmpty()
        .allMatch(
            v ->
                v.code() == ViolationCode.PAYMENT_TIME_IN_FUTURE
                    || v.code() == ViolationCode.ORDER_TIME_IN_FUTURE);
  }
}
