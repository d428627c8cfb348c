package org.parcelgate.client;

import org.parcelgate.protocol.Receipt;

/**
 * A batch the gateway holds, with its verified receipt.
 *
 * @param repeat {@code true} when the gateway already had this exact body ({@code 200}): the answer
 *     is the original one, receipt included
 * @param attempts how many requests it took (retries after a lost answer or a busy gateway)
 * @param answer the answer, record by record
 * @param receipt the receipt's content, verified against the gateway's published keys and checked
 *     against the body sent and the answer
 */
public record BatchResult(boolean repeat, int attempts, BatchAnswer answer, Receipt receipt) {}
