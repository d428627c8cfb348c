package org.parcelgate.risk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the detectors found in one record: its findings, strongest first. An assessment without
 * findings means the record was assessed and nothing was found.
 */
public record Assessment(List<Finding> findings) {
  /** Strongest first; of equal scores, in flag order. */
  private static final Comparator<Finding> STRONGEST_FIRST =
      Comparator.comparingInt(Finding::score)
          .reversed()
          .thenComparingInt(finding -> finding.flag().ordinal());

  /** The assessment of a record in which nothing was found. */
  public static final Assessment NONE = new Assessment(List.of());

  public Assessment {
    if (findings.size() > 1) {
      List<Finding> sorted = new ArrayList<>(findings);
      sorted.sort(STRONGEST_FIRST);
      findings = List.copyOf(sorted);
    } else {
      // Most records have no finding: nothing to sort.
      findings = List.copyOf(findings);
    }
  }

  public boolean flagged() {
    return !findings.isEmpty();
  }

  /** The strongest finding's score, 0 when nothing was found. */
  public int score() {
    return findings.isEmpty() ? 0 : findings.get(0).score();
  }

  public boolean has(Flag flag) {
    for (Finding finding : findings) {
      if (finding.flag() == flag) {
        return true;
      }
    }
    return false;
  }
}
