package org.parcelgate.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which recipient receives which records: each customs administration receives the records whose
 * shipment goes to one of its destination countries, and no other. Decided on the record as the
 * marketplace sent it, before minimization, so a policy that hides the destination does not change
 * who receives the record.
 */
public final class Routing {
  private final Map<String, Destinations> byRecipient;

  /**
   * A recipient's destination countries.
   *
   * @param all every destination (a central recipient); {@code countries} is empty then
   * @param countries ISO 3166-1 alpha-2 codes
   */
  public record Destinations(boolean all, Set<String> countries) {
    public Destinations {
      countries = Set.copyOf(countries);
      if (all && !countries.isEmpty()) {
        throw new IllegalArgumentException("every destination, or a list of them, not both");
      }
    }

    public static Destinations every() {
      return new Destinations(true, Set.of());
    }

    public static Destinations of(Set<String> countries) {
      return new Destinations(false, countries);
    }

    public boolean covers(String country) {
      return all || (country != null && countries.contains(country));
    }

    @Override
    public String toString() {
      return all ? "*" : String.join("+", countries.stream().sorted().toList());
    }
  }

  public Routing(Map<String, Destinations> byRecipient) {
    this.byRecipient = new LinkedHashMap<>(byRecipient);
  }

  /** The recipients in configuration order. */
  public Set<String> recipients() {
    return byRecipient.keySet();
  }

  public Destinations destinations(String recipient) {
    return Objects.requireNonNull(byRecipient.get(recipient), "unknown recipient");
  }

  /**
   * Routes records by destination.
   *
   * @param destinations the destination country of each record, by position (null if missing)
   * @return per recipient that receives any, the positions of its records in order
   */
  public Map<String, List<Integer>> route(List<String> destinations) {
    Map<String, List<Integer>> routed = new LinkedHashMap<>();
    for (Map.Entry<String, Destinations> recipient : byRecipient.entrySet()) {
      List<Integer> positions = new ArrayList<>();
      for (int i = 0; i < destinations.size(); i++) {
        if (recipient.getValue().covers(destinations.get(i))) {
          positions.add(i);
        }
      }
      if (!positions.isEmpty()) {
        routed.put(recipient.getKey(), positions);
      }
    }
    return routed;
  }
}
