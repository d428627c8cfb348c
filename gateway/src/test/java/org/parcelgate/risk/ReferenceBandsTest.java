package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceBandsTest {

  @Test
  void readsTheShippedTable() {
    ReferenceBands bands = ReferenceBands.of(ReferenceData.shipped());
    assertThat(bands.find("851830", "H87"))
        .contains(new ReferenceBands.Band("851830", "H87", 1_850, 0.8));
    assertThat(bands.find("851830", "KGM")).isEmpty();
    assertThat(bands.all()).hasSizeGreaterThan(20);
  }

  @Test
  void anAdministrationsTableReplacesTheShippedOne(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve(ReferenceBands.FILE),
        "# ours\nhs6,unit,median_eur,log_deviation\n851830,H87,9.99,0.5\n");
    ReferenceBands bands = ReferenceBands.of(ReferenceData.load(Optional.of(dir)));
    assertThat(bands.find("851830", "H87"))
        .contains(new ReferenceBands.Band("851830", "H87", 999, 0.5));
    assertThat(bands.find("610910", "H87")).isEmpty();
  }

  @Test
  void refusesAMalformedTableNamingTheLine(@TempDir Path dir) throws IOException {
    String header = "hs6,unit,median_eur,log_deviation\n";
    for (String row :
        new String[] {
          "85183,H87,9.99,0.5",
          "851830,H87,9.999,0.5",
          "851830,H87,0,0.5",
          "851830,H87,1,-1",
          "851830,H87,1,x"
        }) {
      Files.writeString(dir.resolve(ReferenceBands.FILE), header + row + "\n");
      ReferenceData reference = ReferenceData.load(Optional.of(dir));
      assertThatThrownBy(() -> ReferenceBands.of(reference))
          .as(row)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(dir.resolve(ReferenceBands.FILE) + " line 2: ");
    }
    Files.writeString(
        dir.resolve(ReferenceBands.FILE), header + "851830,H87,1,0.5\n851830,H87,2,0.5\n");
    assertThatThrownBy(() -> ReferenceBands.of(ReferenceData.load(Optional.of(dir))))
        .hasMessageContaining("line 3: a second row");
  }
}
