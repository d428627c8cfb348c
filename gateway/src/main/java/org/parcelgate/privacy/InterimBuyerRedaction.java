package org.parcelgate.privacy;

import org.parcelgate.schema.Address;
import org.parcelgate.schema.Buyer;
import org.parcelgate.schema.Transaction;

/**
 * Until the minimization policy exists, the buyer block is not persisted at all: the stored copy of
 * a transaction keeps only the buyer's country, the generalized destination every later policy
 * keeps too. Everything else of the buyer (id, name, e-mail, phone, street, city, postal code, tax
 * id) is replaced by empty values before the record reaches the store.
 */
public final class InterimBuyerRedaction {
  private InterimBuyerRedaction() {}

  public static Transaction redact(Transaction transaction) {
    Buyer redacted =
        Buyer.newBuilder()
            .setBuyerId("")
            .setName("")
            .setEmail(null)
            .setPhone(null)
            .setTaxId(null)
            .setAddress(
                Address.newBuilder()
                    .setLine1("")
                    .setLine2(null)
                    .setCity("")
                    .setPostalCode(null)
                    .setRegion(null)
                    .setCountry(transaction.getBuyer().getAddress().getCountry())
                    .build())
            .build();
    return Transaction.newBuilder(transaction).setBuyer(redacted).build();
  }
}
