package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The IOSS member-state, VAT-rate and flat-duty tables: shipped content and bad tables. */
class IossRevenueTablesTest {
  @TempDir Path directory;

  private ReferenceData with(String file, String content) throws IOException {
    Files.writeString(directory.resolve(file), content);
    return ReferenceData.load(Optional.of(directory));
  }

  @Test
  void shipsAStandardRateForEveryMemberState() {
    VatRates rates = VatRates.of(ReferenceData.shipped());
    ReferenceData.Table states = ReferenceData.shipped().table(IossMemberStates.FILE);

    for (ReferenceData.Table.Row row : states.rows()) {
      assertThat(rates.standardPercent(row.values().get(1), LocalDate.of(2026, 7, 1)))
          .as(row.values().get(1))
          .isPresent();
    }
    assertThat(rates.standardPercent("XI", LocalDate.of(2026, 7, 1))).isEmpty();
    assertThat(rates.standardPercent("NL", LocalDate.of(2023, 12, 31))).isEmpty();
  }

  @Test
  void shipsTheFlatDutyOfThreeEuroPerSubheading() {
    FlatDuty duty = FlatDuty.of(ReferenceData.shipped());

    assertThat(duty.on(LocalDate.of(2026, 7, 1)))
        .hasValue(
            new FlatDuty.Period(LocalDate.of(2026, 7, 1), LocalDate.of(2028, 7, 1), 300, 15_000));
    assertThat(duty.on(LocalDate.of(2026, 6, 30))).isEmpty();
    assertThat(duty.on(LocalDate.of(2028, 7, 1))).isEmpty();
  }

  @Test
  void readsAnOperatorsVatRates() throws IOException {
    ReferenceData reference =
        with(VatRates.FILE, "country,valid_from,standard_rate_percent\nNL,2027-01-01,22.5\n");

    VatRates rates = VatRates.of(reference);

    assertThat(rates.standardPercent("NL", LocalDate.of(2027, 1, 1)))
        .hasValue(new BigDecimal("22.5"));
    assertThat(rates.standardPercent("NL", LocalDate.of(2026, 12, 31))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "nl,2024-01-01,21|vat-rates.csv line 2: not an ISO 3166-1 alpha-2 country",
        "NL,2024-13-01,21|vat-rates.csv line 2: not a date and a decimal rate",
        "NL,2024-01-01,21%|vat-rates.csv line 2: not a date and a decimal rate",
        "NL,2024-01-01,100|vat-rates.csv line 2: a rate must be at least 0 and below 100 percent",
        "NL,2024-01-01,-1|vat-rates.csv line 2: a rate must be at least 0 and below 100 percent"
      })
  void refusesABadVatRate(String row, String message) throws IOException {
    ReferenceData reference =
        with(VatRates.FILE, "country,valid_from,standard_rate_percent\n" + row + "\n");

    assertThatThrownBy(() -> VatRates.of(reference))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(message);
  }

  @Test
  void refusesTwoRatesOfACountryFromOneDay() throws IOException {
    ReferenceData reference =
        with(
            VatRates.FILE,
            "country,valid_from,standard_rate_percent\nNL,2024-01-01,21\nNL,2024-01-01,22\n");

    assertThatThrownBy(() -> VatRates.of(reference))
        .hasMessageEndingWith("line 3: NL has two rates from 2024-01-01");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "2026-07-01,2026-07-01,3,150|line 2: valid_until must be after valid_from",
        "2026-07-01,2028-07-01,3.001,150|line 2: not two dates and two euro amounts (at most 2"
            + " decimals)",
        "2026-07-01,2028-07-01,-3,150|line 2: amounts must not be negative",
        "2026-07-01,later,3,150|line 2: not two dates and two euro amounts (at most 2 decimals)"
      })
  void refusesABadDutyPeriod(String row, String message) throws IOException {
    ReferenceData reference =
        with(
            FlatDuty.FILE,
            "valid_from,valid_until,eur_per_subheading,max_value_eur\n" + row + "\n");

    assertThatThrownBy(() -> FlatDuty.of(reference)).hasMessageEndingWith(message);
  }

  @Test
  void refusesOverlappingDutyPeriods() throws IOException {
    ReferenceData reference =
        with(
            FlatDuty.FILE,
            "valid_from,valid_until,eur_per_subheading,max_value_eur\n"
                + "2026-07-01,2028-07-01,3,150\n"
                + "2028-06-01,2029-01-01,2,150\n");

    assertThatThrownBy(() -> FlatDuty.of(reference))
        .hasMessageEndingWith("line 3: overlaps the period from 2026-07-01");
  }

  @Test
  void acceptsConsecutiveDutyPeriods() throws IOException {
    FlatDuty duty =
        FlatDuty.of(
            with(
                FlatDuty.FILE,
                "valid_from,valid_until,eur_per_subheading,max_value_eur\n"
                    + "2026-07-01,2028-07-01,3,150\n"
                    + "2028-07-01,2029-01-01,2.50,150\n"));

    assertThat(duty.on(LocalDate.of(2028, 7, 1)).orElseThrow().centsPerSubheading()).isEqualTo(250);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "52,NL,Netherlands|line 2: not a 3-digit ISO 3166-1 numeric code and an alpha-2 country",
        "528,nl,Netherlands|line 2: not a 3-digit ISO 3166-1 numeric code and an alpha-2 country"
      })
  void refusesABadMemberState(String row, String message) throws IOException {
    ReferenceData reference = with(IossMemberStates.FILE, "code,country,name\n" + row + "\n");

    assertThatThrownBy(() -> IossMemberStates.of(reference)).hasMessageEndingWith(message);
  }

  @Test
  void refusesAMemberStateCodeListedTwice() throws IOException {
    ReferenceData reference =
        with(IossMemberStates.FILE, "code,country,name\n528,NL,Netherlands\n528,NL,Holland\n");

    assertThatThrownBy(() -> IossMemberStates.of(reference))
        .hasMessageEndingWith("line 3: code 528 listed twice");
  }
}
