package org.parcelgate.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.parcelgate.delivery.FeedRecords;
import org.parcelgate.delivery.RecipientFeed;
import org.parcelgate.delivery.Routing;
import org.parcelgate.privacy.MinimizationPolicy;
import org.parcelgate.privacy.Minimizer;
import org.parcelgate.privacy.PolicySources;
import org.parcelgate.privacy.Pseudonymizer;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.schema.Transaction;

/** The shipped customs policy for tests that need a recipient without a whole gateway. */
public final class TestPrivacy {
  public static final String RECIPIENT = "customs-nl";

  private TestPrivacy() {}

  public static MinimizationPolicy customsDefault() {
    return MinimizationPolicy.parse(
        PolicySources.builtin("customs-default"), "builtin:customs-default");
  }

  /**
   * A policy file of its own, in a temporary directory: the shipped policy named {@code
   * customs-short-retention}, keeping copies for {@code retention}.
   */
  public static java.nio.file.Path shortRetentionPolicy(java.time.Duration retention) {
    String shipped =
        new String(
            PolicySources.builtin("customs-default"), java.nio.charset.StandardCharsets.UTF_8);
    if (!shipped.contains("period: P90D")) {
      throw new IllegalStateException("the shipped policy no longer keeps copies P90D");
    }
    java.nio.file.Path file =
        TestPki.temporaryDirectory("parcelgate-retention").resolve("short-retention.yaml");
    try {
      java.nio.file.Files.writeString(
          file,
          shipped
              .replace("policy: customs-default", "policy: customs-short-retention")
              .replace("period: P90D", "period: " + retention));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file;
  }

  /** A fixed test secret: tests compare pseudonyms, never the secret. */
  public static Pseudonymizer pseudonymizer(String recipient, int version, char fill) {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) fill);
    return new Pseudonymizer(recipient, version, secret);
  }

  public static Minimizer customsMinimizer() {
    return Minimizer.compile(
        customsDefault(), Transaction.getClassSchema(), pseudonymizer(RECIPIENT, 1, 'k'));
  }

  public static RecipientPolicies recipients() {
    return new RecipientPolicies(List.of(customsMinimizer()));
  }

  /** The customs recipient receiving records of every destination. */
  public static FeedRecords feedRecords(RecipientPolicies recipients) {
    return new FeedRecords(
        new Routing(Map.of(RECIPIENT, Routing.Destinations.every())),
        recipients.minimizers().stream().map(RecipientFeed::new).toList());
  }
}
