package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class UnitValueBandTest {

  /** A band of {@code n} log-normal unit values around {@code medianCents}. */
  private static UnitValueBand lognormal(long seed, int n, long medianCents, double sigma) {
    Random random = new Random(seed);
    UnitValueBand band = UnitValueBand.empty("851830", "H87", "CN");
    for (int i = 0; i < n; i++) {
      band.add(Math.round(medianCents * Math.exp(sigma * random.nextGaussian())));
    }
    return band;
  }

  @Test
  void readsTheMedianAndTheRobustDeviationOfTheLogUnitValue() {
    UnitValueBand band = lognormal(1, 5_000, 1_850, 0.6);
    assertThat(band.records()).isEqualTo(5_000);
    assertThat(band.logMedian()).isCloseTo(Math.log(1_850), within(0.03));
    // For a normal distribution, 1.4826 MAD is its standard deviation.
    assertThat(band.deviation()).isCloseTo(0.6, within(0.03));
    UnitValueBand.View view = band.view();
    assertThat(view.medianEurCents()).isBetween(1_800L, 1_900L);
    assertThat(view.quantiles())
        .extracting(UnitValueBand.Quantile::percent)
        .containsExactly(5, 10, 25, 50, 75, 90, 95);
    assertThat(view.quantiles()).extracting(UnitValueBand.Quantile::eurCents).isSorted();
    assertThat(view.quantiles().get(3).eurCents()).isEqualTo(view.medianEurCents());
  }

  @Test
  void aTightBandJudgesWithTheFloorDeviation() {
    UnitValueBand band = UnitValueBand.empty("851830", "H87", null);
    for (int i = 0; i < 100; i++) {
      band.add(1_850);
    }
    assertThat(band.logMad()).isLessThan(UnitValueBand.BIN_WIDTH);
    assertThat(band.deviation()).isEqualTo(UnitValueBand.MIN_DEVIATION);
  }

  @Test
  void encodesTheKeyPartsAndNonEmptyBinsBehindAVersionByte() {
    UnitValueBand band = lognormal(2, 1_000, 500, 0.4);
    byte[] encoded = band.encode();
    assertThat(encoded[0]).isEqualTo((byte) 1);
    assertThat(encoded.length).isLessThan(UnitValueBand.BINS * 4);

    UnitValueBand decoded = UnitValueBand.decode(encoded);
    assertThat(decoded.key()).isEqualTo(new StateKey("band", "851830\nH87\nCN"));
    assertThat(decoded.view()).isEqualTo(band.view());
    assertThat(decoded.encode()).isEqualTo(encoded);

    UnitValueBand all = UnitValueBand.decode(UnitValueBand.empty("090210", "KGM", null).encode());
    assertThat(all.origin()).isNull();
    assertThat(all.key()).isEqualTo(new StateKey("band", "090210\nKGM"));
    assertThat(all.view().records()).isZero();
  }

  @Test
  void aBandStaysTheSameSizeWhateverItLearns() {
    UnitValueBand band = lognormal(3, 1_000, 500, 0.4);
    int size = band.encode().length;
    for (int i = 0; i < 100_000; i++) {
      band.add(400 + i % 200);
    }
    assertThat(band.encode().length).isLessThan(size + 64);
    band.add(Long.MAX_VALUE / 2);
    band.add(0);
    assertThat(band.records()).isEqualTo(101_002);
  }

  @Test
  void mergesBandsOfTheSameKeyOnly() {
    UnitValueBand one = lognormal(4, 500, 500, 0.4);
    UnitValueBand two = lognormal(5, 500, 500, 0.4);
    UnitValueBand both = UnitValueBand.decode(one.encode());
    both.merge(two);
    assertThat(both.records()).isEqualTo(1_000);
    assertThat(both.logMedian()).isCloseTo(Math.log(500), within(0.05));
    assertThatThrownBy(() -> one.merge(UnitValueBand.empty("851830", "H87", null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsAnUnknownVersionAndMalformedBytes() {
    byte[] encoded = lognormal(6, 10, 500, 0.4).encode();
    byte[] future = encoded.clone();
    future[0] = 2;
    assertThatThrownBy(() -> UnitValueBand.decode(future))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version");
    byte[] truncated = java.util.Arrays.copyOf(encoded, encoded.length - 1);
    assertThatThrownBy(() -> UnitValueBand.decode(truncated))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** The encoding as DataOutputStream writes it: what bands were always stored as. */
  private static byte[] writtenByDataOutput(
      String hs6, String unit, String origin, Map<Integer, Long> bins) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeUTF(hs6);
      out.writeUTF(unit);
      out.writeUTF(origin == null ? "" : origin);
      out.writeShort(bins.size());
      for (Map.Entry<Integer, Long> bin : new TreeMap<>(bins).entrySet()) {
        out.writeShort(bin.getKey());
        for (long v = bin.getValue(); ; v >>>= 7) {
          if ((v & ~0x7FL) == 0) {
            out.writeByte((int) v);
            break;
          }
          out.writeByte((int) ((v & 0x7F) | 0x80));
        }
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void encodesExactlyAsDataOutputWritesIt() throws Exception {
    // Key parts beyond ASCII too: NUL, two- and three-byte characters, a surrogate pair.
    String[][] keys = {
      {"851830", "H87", "CN"},
      {"090210", "KGM", null},
      {"851830", "\u00dcNIT", "\u20ac\u0000"},
      {"8518\ud83d\ude00", "\u07ff\u0800", "\u0080"}
    };
    for (String[] key : keys) {
      UnitValueBand band = UnitValueBand.empty(key[0], key[1], key[2]);
      Map<Integer, Long> bins = new HashMap<>();
      assertThat(band.encode()).isEqualTo(writtenByDataOutput(key[0], key[1], key[2], bins));
      long[] values = {1, 127, 128, 16_383, 16_384, 1_850, 99_999_999, Long.MAX_VALUE / 2};
      for (long value : values) {
        band.add(value);
        bins.merge(UnitValueBand.bin(StrictMath.log(Math.max(1, value))), 1L, Long::sum);
      }
      for (int i = 0; i < 300; i++) {
        band.add(1_850);
      }
      bins.merge(UnitValueBand.bin(StrictMath.log(1_850)), 300L, Long::sum);
      assertThat(band.encode()).isEqualTo(writtenByDataOutput(key[0], key[1], key[2], bins));
      assertThat(UnitValueBand.decode(band.encode()).encode()).isEqualTo(band.encode());
    }
  }
}
