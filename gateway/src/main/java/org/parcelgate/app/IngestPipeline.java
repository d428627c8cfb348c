package org.parcelgate.app;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.parcelgate.config.GatewayConfig;
import org.parcelgate.delivery.CommittedCopies;
import org.parcelgate.delivery.FeedRecords;
import org.parcelgate.delivery.Feeds;
import org.parcelgate.delivery.RecipientFeed;
import org.parcelgate.delivery.Routing;
import org.parcelgate.ingest.AvroLimits;
import org.parcelgate.ingest.BatchDecoder;
import org.parcelgate.ingest.IngestService;
import org.parcelgate.ingest.WriterSchemas;
import org.parcelgate.privacy.MinimizationPolicy;
import org.parcelgate.privacy.Minimizer;
import org.parcelgate.privacy.PolicyException;
import org.parcelgate.privacy.PolicySources;
import org.parcelgate.privacy.PseudonymKeys;
import org.parcelgate.privacy.Pseudonymizer;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.schema.Transaction;
import org.parcelgate.signing.GatewaySigner;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.ReceiptSigner;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.validation.TransactionValidator;

/**
 * The batch pipeline of a gateway, from a typed configuration, a store and a clock: decoding under
 * the configured limits, validation, the recipients' minimization policies and feeds, the receipt
 * signer, and the {@link IngestService} that runs them against the store. No ports and no Vert.x:
 * the gateway serves it over HTTP, and {@code parcelgate load --floor} runs it in-process to
 * measure what the pipeline alone can do.
 *
 * <p>Blocking (files are read, the store registers the feeds' schemas): call it from a worker
 * thread.
 *
 * @param recipients the recipients' compiled policies, in configuration order
 * @param feeds one feed per recipient
 * @param signingKeys the gateway's signing keys
 * @param signer the signer of receipts, feed pages and checkpoints
 * @param ingest the service that takes a batch from its bytes to a committed, receipted result
 */
public record IngestPipeline(
    RecipientPolicies recipients,
    List<RecipientFeed> feeds,
    GatewaySigningKeys signingKeys,
    GatewaySigner signer,
    IngestService ingest) {

  /**
   * Builds the pipeline. Applies the configured Avro decoder limits first; they are JVM-wide and
   * read once, when Avro's classes load, so call this before anything else uses Avro.
   *
   * @throws IOException if a key, policy or pseudonym key file cannot be read
   * @throws PolicyException if a recipient's policy does not fit the transaction schema
   */
  public static IngestPipeline create(GatewayConfig config, GatewayStore store, Clock clock)
      throws IOException {
    GatewayConfig.Ingest limits = config.ingest();
    AvroLimits.apply(
        limits.maxStringBytes(),
        limits.maxBytesLength(),
        limits.maxCollectionItems(),
        limits.limits().maxDecompressedBytes());
    WriterSchemas schemas = WriterSchemas.shipped();
    RecipientPolicies recipients = recipients(config.privacy());
    List<RecipientFeed> feeds = recipients.minimizers().stream().map(RecipientFeed::new).toList();
    new Feeds(store, feeds).registerSchemas();
    GatewaySigningKeys keys =
        GatewaySigningKeys.load(config.signing().keyFile(), config.signing().activeKid());
    GatewaySigner signer = new GatewaySigner(keys, config.gatewayId());
    return new IngestPipeline(
        recipients,
        feeds,
        keys,
        signer,
        service(config, schemas, store, recipients, feeds, signer, clock, CommittedCopies.NONE));
  }

  /**
   * The ingest service over parts already loaded: what the gateway and the floor both run.
   *
   * @param committed hears of each committed batch's minimized copies (the gateway's risk assessor)
   */
  static IngestService service(
      GatewayConfig config,
      WriterSchemas schemas,
      GatewayStore store,
      RecipientPolicies recipients,
      List<RecipientFeed> feeds,
      GatewaySigner signer,
      Clock clock,
      CommittedCopies committed) {
    return new IngestService(
        new BatchDecoder(schemas, config.ingest().limits()),
        new TransactionValidator(config.validation(), clock),
        store,
        recipients,
        new FeedRecords(new Routing(config.delivery().destinations()), feeds, committed),
        new ReceiptSigner(signer),
        clock);
  }

  /** Where the pseudonym keys come from: the configuration key or environment variable. */
  static String pseudonymKeySource(GatewayConfig.Privacy privacy) {
    return privacy.pseudonymKeys().isPresent()
        ? PseudonymKeys.ENVIRONMENT_VARIABLE
        : "privacy.pseudonym-key-file";
  }

  /** The pseudonym key store: from its environment variable if set, else from its file. */
  static PseudonymKeys pseudonymKeys(GatewayConfig.Privacy privacy) throws IOException {
    return privacy.pseudonymKeys().isPresent()
        ? PseudonymKeys.parse(privacy.pseudonymKeys().get().bytes(), pseudonymKeySource(privacy))
        : PseudonymKeys.parse(
            Files.readAllBytes(privacy.pseudonymKeyFile().orElseThrow()),
            pseudonymKeySource(privacy));
  }

  /**
   * Reads the pseudonym keys and every recipient's policy, and compiles each policy against the
   * transaction schema: a policy that does not fit is a {@link PolicyException}. No recipients
   * configured means batches are stored without any copy of their records.
   */
  public static RecipientPolicies recipients(GatewayConfig.Privacy privacy) throws IOException {
    if (privacy.recipients().isEmpty()) {
      return new RecipientPolicies(List.of());
    }
    PseudonymKeys keys = pseudonymKeys(privacy);
    List<Minimizer> minimizers = new ArrayList<>();
    for (GatewayConfig.Recipient recipient : privacy.recipients()) {
      MinimizationPolicy policy;
      if (recipient.policy() instanceof GatewayConfig.PolicySource.File file) {
        policy = MinimizationPolicy.parse(Files.readAllBytes(file.path()), file.path().toString());
      } else {
        String name = ((GatewayConfig.PolicySource.Builtin) recipient.policy()).name();
        policy = MinimizationPolicy.parse(PolicySources.builtin(name), "builtin:" + name);
      }
      Pseudonymizer pseudonyms =
          keys.active(recipient.id())
              .orElseThrow(
                  () ->
                      new PolicyException(
                          "the pseudonym key store has no key for recipient " + recipient.id()));
      minimizers.add(Minimizer.compile(policy, Transaction.getClassSchema(), pseudonyms));
    }
    return new RecipientPolicies(minimizers);
  }
}
