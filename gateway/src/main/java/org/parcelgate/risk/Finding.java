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
  /** The longest reason kept; a longer one (a record of thousands of lines) is cut with "...". */
  public static final int MAX_REASON_LENGTH = 2_000;

  public Finding {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(reason, "reason");
    if (reason.length() > MAX_REASON_LENGTH) {
      reason = reason.substring(0, MAX_REASON_LENGTH - 3) + "...";
    }
    if (score < 1 || score > 100) {
      throw new IllegalArgumentException("score must be 1..100");
    }
    figures = List.copyOf(figures);
  }
}
