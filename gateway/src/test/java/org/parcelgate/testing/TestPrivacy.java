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
