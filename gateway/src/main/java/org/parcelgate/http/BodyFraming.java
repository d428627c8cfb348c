package org.parcelgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * Where a request body ends (RFC 9112 section 6): at its {@code Content-Length}, or at the last
 * chunk of {@code Transfer-Encoding: chunked}. Any other transfer coding (such as {@code gzip}, or
 * {@code gzip, chunked}) must be refused: Netty's decoder would take such a body as empty and read
 * its bytes as the next request. Conflicting or malformed lengths never get this far; the HTTP
 * decoder refuses them ({@link InvalidRequests}).
 */
final class BodyFraming {
  static final String REFUSAL = "the only transfer coding accepted is chunked";

  private BodyFraming() {}

  static boolean understood(HttpServerRequest request) {
    List<String> codings = request.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
    return codings.isEmpty()
        || (codings.size() == 1 && "chunked".equalsIgnoreCase(codings.get(0).trim()));
  }
}
