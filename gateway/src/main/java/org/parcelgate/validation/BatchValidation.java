package org.parcelgate.validation;

import java.util.List;

/**
 * The verdict on a batch: the indexes of records without any violation, in order, and every
 * violation found.
 */
public record BatchValidation(List<Integer> acceptedIndexes, List<Violation> violations) {
  public BatchValidation {
    acceptedIndexes = List.copyOf(acceptedIndexes);
    violations = List.copyOf(violations);
  }
}
