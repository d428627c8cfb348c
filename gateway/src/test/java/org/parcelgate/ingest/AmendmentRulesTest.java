package org.parcelgate.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.parcelgate.store.TransactionVersion;

class AmendmentRulesTest {
  private static final TransactionVersion STORED = new TransactionVersion("ORD-1", 3, "digest-a");

  @Test
  void storesANewTransactionIdAsVersionOne() {
    assertThat(AmendmentRules.decide(false, null, "digest-a"))
        .isEqualTo(new AmendmentRules.Store(1));
  }

  @Test
  void refusesAnAmendmentOfNothing() {
    assertThat(AmendmentRules.decide(true, null, "digest-a"))
        .isEqualTo(new AmendmentRules.Refuse(AmendmentRules.AMENDS_NOTHING));
  }

  @Test
  void recognizesTheSameContentAsUnchangedWhetherMarkedOrNot() {
    assertThat(AmendmentRules.decide(false, STORED, "digest-a"))
        .isEqualTo(new AmendmentRules.Unchanged());
    assertThat(AmendmentRules.decide(true, STORED, "digest-a"))
        .isEqualTo(new AmendmentRules.Unchanged());
  }

  @Test
  void refusesDifferentContentUnlessItIsAnAmendment() {
    assertThat(AmendmentRules.decide(false, STORED, "digest-b"))
        .isEqualTo(new AmendmentRules.Refuse(AmendmentRules.CONFLICT));
    assertThat(AmendmentRules.decide(true, STORED, "digest-b"))
        .isEqualTo(new AmendmentRules.Store(4));
  }
}
