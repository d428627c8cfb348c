package org.parcelgate.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.parcelgate.risk.RiskEvaluation;
import org.parcelgate.schema.sample.FraudPattern;
import org.parcelgate.schema.sample.RiskMix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code parcelgate risk-evaluation}: the risk flags' precision and recall on seeded traffic. */
@Command(
    name = "risk-evaluation",
    mixinStandardHelpOptions = true,
    description = {
      "Generates seeded synthetic traffic with injected fraud patterns and reports the precision"
          + " and recall of every risk flag, the share of parcels flagged, split-consignment recall"
          + " with the share of innocent buyers flagged, and undervaluation precision when"
          + " inspecting 1% of parcels.",
      "Each record is validated, minimized with the shipped customs-default policy and assessed"
          + " by the gateway's detectors with their default settings, in this process."
          + " docs/risk.md describes the traffic and the default mix."
    })
final class RiskEvaluationCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Chooses the traffic (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--parcels",
      defaultValue = "50000",
      description = "How many parcels, with one seller per 100 (default: ${DEFAULT-VALUE}).")
  int parcels;

  @Option(
      names = "--rate",
      paramLabel = "PATTERN=SHARE",
      description =
          "The rate of a pattern, instead of the default mix's; repeatable. Patterns: undervalued,"
              + " split, bunched (a share of sellers), ioss_above_threshold,"
              + " ioss_invalid_member_state, ioss_of_another_seller, payer_country_mismatch,"
              + " late_payment, tax_shortfall. Example: --rate split=0.08.")
  List<String> rates;

  @Option(names = "--json", description = "Print the result as JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    if (parcels < 100 || parcels > 2_000_000) {
      throw new UsageException("--parcels is 100 to 2000000");
    }
    RiskMix mix = RiskMix.defaults().withSeed(seed).withParcels(parcels);
    for (String rate : rates == null ? List.<String>of() : rates) {
      mix = withRate(mix, rate);
    }
    RiskEvaluation.Result result = RiskEvaluation.run(mix);
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? result.json() : result.table());
    out.flush();
    return ExitCodes.OK;
  }

  private static RiskMix withRate(RiskMix mix, String option) {
    int equals = option.indexOf('=');
    if (equals < 0) {
      throw new UsageException("--rate is PATTERN=SHARE, for example split=0.08");
    }
    FraudPattern pattern;
    try {
      pattern = FraudPattern.valueOf(option.substring(0, equals).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--rate names no pattern " + option.substring(0, equals));
    }
    double share;
    try {
      share = Double.parseDouble(option.substring(equals + 1));
    } catch (NumberFormatException e) {
      throw new UsageException("--rate " + option + ": the share is a number such as 0.05");
    }
    try {
      return mix.withRate(pattern, share);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--rate " + option + ": " + e.getMessage());
    }
  }
}
