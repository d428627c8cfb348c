package org.parcelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RiskEvaluationCommandTest {
  @Test
  void reportsEveryFlagAsJsonForTheGivenSeedAndRates() throws Exception {
    CommandRun run =
        new CommandRun(
            "risk-evaluation", "--seed", "5", "--parcels", "2000", "--rate", "split=0.1", "--json");
    assertThat(run.status).as(run.err).isEqualTo(ExitCodes.OK);
    JsonNode json = new ObjectMapper().readTree(run.out);
    assertThat(json.get("seed").asLong()).isEqualTo(5);
    assertThat(json.get("rejected").asInt()).isZero();
    assertThat(json.get("parcels").asInt()).isBetween(2000, 2003);
    assertThat(json.get("rates").get("split").asDouble()).isEqualTo(0.1);
    assertThat(json.get("flags")).hasSize(10);
    assertThat(json.get("split").get("laterParcels").asInt()).isPositive();
  }

  @Test
  void printsATableByDefault() {
    CommandRun run = new CommandRun("risk-evaluation", "--parcels", "1000");
    assertThat(run.status).as(run.err).isEqualTo(ExitCodes.OK);
    assertThat(run.out)
        .contains("Risk evaluation: seed 1")
        .contains("split_consignment")
        .contains("Parcels flagged:");
  }

  @Test
  void refusesAnUnknownPatternAndARateOutOfRange() {
    CommandRun unknown = new CommandRun("risk-evaluation", "--rate", "smuggling=0.1");
    assertThat(unknown.status).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err).contains("names no pattern smuggling");
    CommandRun high = new CommandRun("risk-evaluation", "--rate", "split=0.9");
    assertThat(high.status).isEqualTo(ExitCodes.USAGE);
    assertThat(high.err).contains("between 0 and 0.5");
    CommandRun shape = new CommandRun("risk-evaluation", "--rate", "split");
    assertThat(shape.status).isEqualTo(ExitCodes.USAGE);
  }
}
