package org.parcelgate.cli.load;

/**
 * A request ready to go: the caller's index, the body ({@code null} for {@code GET /v1/whoami}),
 * its {@code Authorization} value, how many records it carries and when its token was issued.
 */
record PreparedRequest(
    int caller, byte[] body, String authorization, int records, long issuedAtNanos) {}
