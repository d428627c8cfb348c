package org.parcelgate.app;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.parcelgate.auth.PartnerRegistry;
import org.parcelgate.delivery.Pusher;
import org.parcelgate.http.OpsRouter;
import org.parcelgate.store.DeadLetter;
import org.parcelgate.store.DeliveryState;
import org.parcelgate.store.FeedKind;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.tls.CrlSet;
import org.parcelgate.workers.WorkerPool;

/**
 * The operator's commands on the ops port: reloads, delivery status, dead letters and re-drives, as
 * JSON answers. Store reads run on the {@code maintenance} pool.
 */
final class OperatorCommands implements OpsRouter.Commands {
  private final Reloader<PartnerRegistry> registry;
  private final Reloader<CrlSet> crls;
  private final Pusher pusher;
  private final GatewayStore store;
  private final WorkerPool workers;

  /**
   * @param pusher null when no recipient is pushed to
   */
  OperatorCommands(
      Reloader<PartnerRegistry> registry,
      Reloader<CrlSet> crls,
      Pusher pusher,
      GatewayStore store,
      WorkerPool workers) {
    this.registry = registry;
    this.crls = crls;
    this.pusher = pusher;
    this.store = store;
    this.workers = workers;
  }

  @Override
  public Future<JsonObject> reloadRegistry() {
    return registry
        .reload()
        .map(
            outcome ->
                new JsonObject()
                    .put("status", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .put("partners", registry.get().size())
                    .put("sha256", registry.get().contentHash()));
  }

  @Override
  public Future<JsonObject> reloadCrls() {
    return crls.reload()
        .map(
            outcome ->
                new JsonObject()
                    .put("status", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .put("crls", crls.get().size()));
  }

  @Override
  public Future<JsonObject> deliveryStatus() {
    if (pusher == null) {
      return Future.succeededFuture(new JsonObject().put("recipients", new JsonArray()));
    }
    return pusher
        .status()
        .map(
            statuses -> {
              JsonArray list = new JsonArray();
              for (Pusher.Status status : statuses) {
                JsonArray streams = new JsonArray();
                for (DeliveryState stream : status.streams()) {
                  streams.add(
                      new JsonObject()
                          .put("feed", stream.kind().wireName())
                          .put("deliveredCursor", stream.deliveredSeq())
                          .put("inFlightTo", stream.inFlightToSeq())
                          .put("attempts", stream.attempts())
                          .put("lastError", stream.lastError())
                          .put("backlog", status.backlog().get(stream.kind())));
                }
                list.add(
                    new JsonObject()
                        .put("recipient", status.recipient())
                        .put("endpoint", status.endpoint().toString())
                        .put("circuit", status.circuit().name().toLowerCase(Locale.ROOT))
                        .put("consecutiveFailures", status.consecutiveFailures())
                        .put("streams", streams));
              }
              return new JsonObject().put("recipients", list);
            });
  }

  @Override
  public Future<JsonObject> deadLetters(
      String recipient, String feed, String status, long after, int limit) {
    DeadLetter.Status wanted;
    FeedKind kind;
    try {
      wanted = status == null ? null : DeadLetter.Status.fromWireName(status);
      kind = feed == null ? null : FeedKind.fromWireName(feed);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture("status is dead, redrive or redelivered; feed is price or seller");
    }
    return workers
        .submit(() -> store.deadLetters(recipient, kind, wanted, after, limit))
        .map(
            letters -> {
              JsonArray list = new JsonArray();
              for (DeadLetter letter : letters) {
                list.add(
                    new JsonObject()
                        .put("feed", letter.kind().wireName())
                        .put("position", letter.seq())
                        .put("status", letter.status().wireName())
                        .put("reason", letter.reason())
                        .put("detail", letter.detail())
                        .put("failedAt", letter.failedAt().toString())
                        .put("attempts", letter.attempts()));
              }
              return new JsonObject().put("recipient", recipient).put("deadLetters", list);
            });
  }

  @Override
  public Future<JsonObject> redrive(String recipient, JsonObject request) {
    if (pusher == null || !pusher.pushes(recipient)) {
      return Future.failedFuture("records of " + recipient + " are not pushed");
    }
    FeedKind kind;
    List<Long> positions = new ArrayList<>();
    try {
      String feed = request.getString("feed");
      kind = feed == null ? null : FeedKind.fromWireName(feed);
      JsonArray given = request.getJsonArray("positions", new JsonArray());
      for (int i = 0; i < given.size(); i++) {
        positions.add(given.getLong(i));
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(
          "the body is {\"feed\": \"price\" or \"seller\", \"positions\": [whole numbers]}");
    }
    if (!positions.isEmpty() && kind == null) {
      return Future.failedFuture("positions need their feed");
    }
    return pusher
        .redrive(recipient, kind, positions)
        .map(moved -> new JsonObject().put("status", "redriving").put("deadLetters", moved));
  }
}
