package org.parcelgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;
import org.parcelgate.auth.PartnerContext;
import org.parcelgate.auth.Role;
import org.parcelgate.auth.RoleHandler;
import org.parcelgate.auth.VerifiedRequest;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.ingest.IngestService;
import org.parcelgate.metrics.GatewayMetrics;
import org.parcelgate.workers.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/batches} and {@code GET /v1/batches/{id}}, for marketplaces. Decoding, validation
 * and the store run on a worker thread; the event loop only moves bytes.
 */
public final class BatchEndpoints {
  /** The one media type of a batch: an Avro object container file of Transaction records. */
  public static final String MEDIA_TYPE = "application/vnd.parcelgate.batch+avro";

  public static final String BATCHES_PATH = "/v1/batches";

  private static final Pattern BATCH_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private static final Logger LOG = LoggerFactory.getLogger(BatchEndpoints.class);

  private final IngestService ingest;
  private final GatewayMetrics metrics;
  private final WorkerPool workers;

  /**
   * @param workers the {@code ingest} pool: whole batches and their status reads
   */
  public BatchEndpoints(IngestService ingest, GatewayMetrics metrics, WorkerPool workers) {
    this.ingest = ingest;
    this.metrics = metrics;
    this.workers = workers;
  }

  void mount(Router router) {
    RoleHandler marketplaces = RoleHandler.require(Role.MARKETPLACE);
    router.post(BATCHES_PATH).handler(marketplaces).handler(this::submit);
    router.get(BATCHES_PATH + "/:id").handler(marketplaces).handler(this::status);
  }

  private void submit(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !MEDIA_TYPE.equalsIgnoreCase(contentType.split(";")[0].trim())) {
      throw new GatewayException(
          ProblemCode.UNSUPPORTED_MEDIA_TYPE, "send batches as " + MEDIA_TYPE);
    }
    VerifiedRequest request = PartnerContext.request(ctx);
    IngestService.Submission submission =
        new IngestService.Submission(
            request.partner().id(), request.jti(), PartnerContext.body(ctx), request.bodySha256());
    workers
        .submit(() -> ingest.ingest(submission))
        .onSuccess(
            result -> {
              metrics.batch(
                  submission.marketplaceId(),
                  result.repeated(),
                  result.accepted(),
                  result.unchanged(),
                  result.rejected());
              result.minimized().forEach(metrics::minimized);
              RequestScope.onBehalf(ctx, LOG.atInfo())
                  .log(
                      "batch {} from {} {}: records={} accepted={} unchanged={} rejected={}",
                      result.batchId(),
                      submission.marketplaceId(),
                      result.repeated() ? "repeated" : "stored",
                      result.records(),
                      result.accepted(),
                      result.unchanged(),
                      result.rejected());
              ctx.response()
                  .setStatusCode(result.repeated() ? 200 : 202)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                  .putHeader(HttpHeaders.LOCATION, BATCHES_PATH + "/" + result.batchId())
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                  .end(result.json());
            })
        .onFailure(ctx::fail);
  }

  private void status(RoutingContext ctx) {
    String batchId = ctx.pathParam("id");
    String marketplace = PartnerContext.request(ctx).partner().id();
    if (!BATCH_ID.matcher(batchId).matches()) {
      throw new GatewayException(ProblemCode.NOT_FOUND, "no such batch");
    }
    workers
        .submit(() -> ingest.batchJson(marketplace, batchId))
        .onSuccess(
            json -> {
              if (json.isEmpty()) {
                ctx.fail(new GatewayException(ProblemCode.NOT_FOUND, "no such batch"));
                return;
              }
              ctx.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                  .end(json.get());
            })
        .onFailure(ctx::fail);
  }
}
