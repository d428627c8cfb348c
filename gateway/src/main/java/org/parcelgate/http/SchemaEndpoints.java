package org.parcelgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.parcelgate.auth.RoleHandler;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.ingest.WriterSchemas;

/**
 * {@code GET /v1/schemas} and {@code GET /v1/schemas/{fingerprint}}, for every partner role: the
 * writer schemas the gateway accepts in a batch, named by the fingerprint the protocol uses for
 * them everywhere ({@link WriterSchemas#fingerprint}: SHA-256 of the schema's Parsing Canonical
 * Form, 64 lowercase hexadecimal digits; the receipt's {@code writer_schema} claim). The answers
 * are made once, when the router is built: the schemas are those of the build.
 */
public final class SchemaEndpoints {
  public static final String SCHEMAS_PATH = "/v1/schemas";

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

  private final String list;
  private final Map<String, String> byFingerprint;

  public SchemaEndpoints(WriterSchemas schemas) {
    JsonArray entries = new JsonArray();
    Map<String, String> texts = new LinkedHashMap<>();
    schemas.all().stream()
        .sorted(Comparator.comparingInt(WriterSchemas.WriterSchema::version))
        .forEach(
            schema -> {
              entries.add(
                  new JsonObject()
                      .put("fingerprint", schema.fingerprint())
                      .put("name", schema.schema().getFullName())
                      .put("version", schema.version())
                      .put("href", SCHEMAS_PATH + "/" + schema.fingerprint()));
              texts.put(schema.fingerprint(), schema.schema().toString());
            });
    String newest =
        entries.isEmpty()
            ? null
            : entries.getJsonObject(entries.size() - 1).getString("fingerprint");
    this.list =
        new JsonObject()
            .put("fingerprintAlgorithm", "SHA-256 of the Parsing Canonical Form, hex")
            .put("newest", newest)
            .put("schemas", entries)
            .encode();
    this.byFingerprint = Map.copyOf(texts);
  }

  void mount(Router router) {
    RoleHandler everyone = RoleHandler.anyRole();
    router.get(SCHEMAS_PATH).handler(everyone).handler(this::list);
    router.get(SCHEMAS_PATH + "/:fingerprint").handler(everyone).handler(this::schema);
  }

  private void list(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=300")
        .end(list);
  }

  private void schema(RoutingContext ctx) {
    String fingerprint = ctx.pathParam("fingerprint");
    if (!FINGERPRINT.matcher(fingerprint).matches()) {
      throw new GatewayException(
          ProblemCode.INVALID_REQUEST,
          "fingerprint is 64 lowercase hexadecimal digits (SHA-256 of the schema's canonical form)");
    }
    String text = byFingerprint.get(fingerprint);
    if (text == null) {
      throw new GatewayException(
          ProblemCode.UNKNOWN_SCHEMA, "no schema the gateway accepts has this fingerprint");
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=300")
        .end(text);
  }
}
