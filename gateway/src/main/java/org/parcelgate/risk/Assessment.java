package org.parcelgate.risk;

import java.util.Comparator;
import java.util.List;

/**
 * What the detectors found in one record: its findings, strongest first. An assessment without
 * findings means the record was assessed and nothing was found.
 */
public record Assessment(List<Finding> findings) {
  /** The assessment of a record in which nothing was found. */
  public static final Assessment NONE = new Assessment(List.of());

  public Assessment {
    findings =
        findings.stream()
            .sorted(
                Comparator.comparingInt(Finding::score)
                    .reversed()
                    .thenComparing(finding -> finding.flag().ordinal()))
            .toList();
  }

  public boolean flagged() {
    return !findings.isEmpty();
  }

  /** The strongest finding's score, 0 when nothing was found. */
  public int score() {
    return findings.isEmpty() ? 0 : findings.get(0).score();
  }

  public boolean has(Flag flag) {
    return findings.stream().anyMatch(finding -> finding.flag() == flag);
  }
}
