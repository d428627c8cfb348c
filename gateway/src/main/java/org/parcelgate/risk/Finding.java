package org.parcelgate.risk;

import java.util.List;
import java.util.Objects;

/**
 * One reason to look at a consignment: the flag, a score from 1 (weak) to 100 (strong), the reason
 * in words a customs officer understands, and the figures behind it.
 *
 * <p>The reason and the figures are built only from the record as its recipient's policy left it,
 * and from reference data: never from a field the policy drops.
 */
public record Finding(Flag flag, int score, String reason, List<Figure> figures) {
  public Finding {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(reason, "reason");
    if (score < 1 || score > 100) {
      throw new IllegalArgumentException("score must be 1..100");
    }
    figures = List.copyOf(figures);
  }
}
