package org.parcelgate.validation;

/**
 * One broken rule in one record.
 *
 * @param recordIndex the record's position in the batch, from 0
 * @param field the path of the field, e.g. {@code items[1].hsCode}
 * @param code the stable reason
 * @param message fixed text written by the rule; it never repeats the record's values
 */
public record Violation(int recordIndex, String field, ViolationCode code, String message) {}
