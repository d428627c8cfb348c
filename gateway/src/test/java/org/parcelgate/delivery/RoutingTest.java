package org.parcelgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parcelgate.delivery.Routing.Destinations;

class RoutingTest {
  private static Routing routing() {
    Map<String, Destinations> byRecipient = new LinkedHashMap<>();
    byRecipient.put("customs-nl", Destinations.of(Set.of("NL")));
    byRecipient.put("customs-benelux", Destinations.of(Set.of("BE", "NL", "LU")));
    byRecipient.put("customs-central", Destinations.every());
    return new Routing(byRecipient);
  }

  @Test
  void routesEachPositionToEveryRecipientCoveringItsDestination() {
    Map<String, List<Integer>> routed =
        routing().route(Arrays.asList("NL", "DE", "BE", "LU", "NL"));

    assertThat(routed)
        .containsExactly(
            Map.entry("customs-nl", List.of(0, 4)),
            Map.entry("customs-benelux", List.of(0, 2, 3, 4)),
            Map.entry("customs-central", List.of(0, 1, 2, 3, 4)));
  }

  @Test
  void everyDestinationCoversRecordsWithoutADestination() {
    Map<String, List<Integer>> routed = routing().route(Arrays.asList(null, "FR", null));

    assertThat(routed).containsOnly(Map.entry("customs-central", List.of(0, 1, 2)));
  }

  @Test
  void listedDestinationsDoNotCoverAMissingDestination() {
    Destinations benelux = Destinations.of(Set.of("BE", "NL"));

    assertThat(benelux.covers("NL")).isTrue();
    assertThat(benelux.covers(null)).isFalse();
    assertThat(benelux.covers("DE")).isFalse();
    assertThat(benelux.covers("nl")).as("codes match exactly").isFalse();
    assertThat(Destinations.every().covers(null)).isTrue();
    assertThat(Destinations.every().covers("ZZ")).isTrue();
  }

  @Test
  void leavesOutARecipientWithNoRoutedRecord() {
    Routing listedOnly =
        new Routing(
            Map.of(
                "customs-nl", Destinations.of(Set.of("NL")),
                "customs-be", Destinations.of(Set.of("BE"))));

    Map<String, List<Integer>> routed = listedOnly.route(Arrays.asList("BE", "DE", null, "BE"));

    assertThat(routed).containsOnly(Map.entry("customs-be", List.of(0, 3)));
    assertThat(routed).doesNotContainKey("customs-nl");
  }

  @Test
  void routesNoRecordsToNoOne() {
    assertThat(routing().route(List.of())).isEmpty();
    assertThat(new Routing(Map.of()).route(List.of("NL"))).isEmpty();
  }

  @Test
  void keepsRecipientsInConfigurationOrder() {
    assertThat(routing().recipients())
        .containsExactly("customs-nl", "customs-benelux", "customs-central");
    assertThat(routing().route(List.of("NL")).keySet())
        .containsExactly("customs-nl", "customs-benelux", "customs-central");
  }

  @Test
  void givesARecipientsDestinationsAndRefusesAnUnknownRecipient() {
    assertThat(routing().destinations("customs-benelux"))
        .isEqualTo(Destinations.of(Set.of("BE", "LU", "NL")));
    assertThat(routing().destinations("customs-central").all()).isTrue();

    assertThatThrownBy(() -> routing().destinations("customs-unknown"))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void isNotChangedByLaterChangesToItsConfiguration() {
    Map<String, Destinations> byRecipient = new LinkedHashMap<>();
    Set<String> countries = new HashSet<>(Set.of("NL"));
    byRecipient.put("customs-nl", Destinations.of(countries));
    Routing routing = new Routing(byRecipient);

    countries.add("BE");
    byRecipient.put("customs-be", Destinations.of(Set.of("BE")));

    assertThat(routing.recipients()).containsExactly("customs-nl");
    assertThat(routing.route(List.of("BE"))).isEmpty();
  }

  @Test
  void writesListedDestinationsSortedAndJoinedByPlus() {
    assertThat(Destinations.of(Set.of("NL", "BE"))).hasToString("BE+NL");
    assertThat(Destinations.of(Set.of("NL", "LU", "BE"))).hasToString("BE+LU+NL");
    assertThat(Destinations.of(Set.of("NL"))).hasToString("NL");
  }

  @Test
  void writesEveryDestinationAsStar() {
    assertThat(Destinations.every()).hasToString("*");
    assertThat(new Destinations(true, Set.of())).hasToString("*");
  }

  @Test
  void refusesEveryDestinationTogetherWithAList() {
    assertThatThrownBy(() -> new Destinations(true, Set.of("NL")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesAMissingCountryInTheList() {
    assertThatThrownBy(() -> Destinations.of(new HashSet<>(Arrays.asList("NL", null))))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Destinations.of(null)).isInstanceOf(NullPointerException.class);
  }
}
