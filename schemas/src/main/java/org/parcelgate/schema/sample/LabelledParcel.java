package org.parcelgate.schema.sample;

import java.util.Objects;
import java.util.Set;
import org.parcelgate.schema.Transaction;

/**
 * One generated parcel and its ground truth.
 *
 * @param patterns every fraud pattern injected into it; empty for an honest parcel
 * @param splitGroup the split group it belongs to (numbered from 1 within one traffic), 0 for none
 * @param splitPart its place in the split group in order time, from 1; 0 for none
 */
public record LabelledParcel(
    Transaction transaction, Set<FraudPattern> patterns, int splitGroup, int splitPart) {
  public LabelledParcel {
    Objects.requireNonNull(transaction, "transaction");
    patterns = Set.copyOf(patterns);
  }

  public boolean has(FraudPattern pattern) {
    return patterns.contains(pattern);
  }

  public boolean honest() {
    return patterns.isEmpty();
  }

  public String buyerId() {
    return transaction.getBuyer().getBuyerId();
  }

  public String sellerId() {
    return transaction.getSeller().getSellerId();
  }
}
