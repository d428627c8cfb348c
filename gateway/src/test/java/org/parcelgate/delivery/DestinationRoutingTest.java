package org.parcelgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DestinationRoutingTest {
  private final Routing routing =
      new Routing(
          new LinkedHashMap<>(
              Map.of(
                  "customs-nl", Routing.Destinations.of(Set.of("NL")),
                  "customs-benelux", Routing.Destinations.of(Set.of("BE", "LU", "NL")))));

  @Test
  void routesEachRecordToEveryRecipientCoveringItsDestination() {
    Map<String, List<Integer>> routed = routing.route(Arrays.asList("NL", "DE", "BE", "NL"));

    assertThat(routed.get("customs-nl")).containsExactly(0, 3);
    assertThat(routed.get("customs-benelux")).containsExactly(0, 2, 3);
  }

  @Test
  void leavesOutRecipientsThatReceiveNothingAndRecordsNoOneCovers() {
    Map<String, List<Integer>> routed = routing.route(Arrays.asList("FR", null));

    assertThat(routed).isEmpty();
  }

  @Test
  void everyDestinationCoversAllRecordsEvenWithoutADestination() {
    Routing central = new Routing(Map.of("central", Routing.Destinations.every()));

    assertThat(central.route(Arrays.asList("FR", null, "NL")).get("central"))
        .containsExactly(0, 1, 2);
  }

  @Test
  void writesDestinationsAsConfigured() {
    assertThat(Routing.Destinations.every()).hasToString("*");
    assertThat(Routing.Destinations.of(Set.of("NL", "BE", "LU"))).hasToString("BE+LU+NL");
  }

  @Test
  void refusesEveryDestinationTogetherWithAList() {
    assertThatThrownBy(() -> new Routing.Destinations(true, Set.of("NL")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
