package org.parcelgate.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reader requires of a log's checkpoint before trusting it against a split view: the log's
 * note signature, and cosignatures of at least {@code required} of the witnesses it trusts
 * (c2sp.org/tlog-cosignature). One rule for the client library and the offline verifier.
 *
 * @param logKey the log's note verifier key, from its operator
 * @param witnesses the witnesses' cosignature verifier keys, from their operators
 * @param required how many of them must have cosigned
 */
public record WitnessPolicy(
    SignedNote.VerifierKey logKey, List<SignedNote.VerifierKey> witnesses, int required) {

  /** A checkpoint the policy accepted, and the witnesses whose cosignatures verified. */
  public record Accepted(SignedNote.CheckpointBody checkpoint, List<String> witnesses) {}

  public WitnessPolicy {
    witnesses = List.copyOf(witnesses);
    if (logKey.type() != SignedNote.ED25519) {
      throw new IllegalArgumentException("the log's key is a note key (type 0x01)");
    }
    for (SignedNote.VerifierKey witness : witnesses) {
      if (witness.type() != SignedNote.COSIGNATURE) {
        throw new IllegalArgumentException(
            "a witness's key is a cosignature key (type 0x04): " + witness.name());
      }
    }
    if (required < 0 || required > witnesses.size()) {
      throw new IllegalArgumentException(
          "the cosignatures required are from 0 to the " + witnesses.size() + " witnesses given");
    }
  }

  /**
   * The checkpoint of a note, if the log signed it, its origin is the log key's name, and at least
   * {@link #required} witnesses cosigned it.
   *
   * @throws IllegalArgumentException saying what is missing
   */
  public Accepted accept(String note) {
    SignedNote parsed = SignedNote.parse(note);
    SignedNote.CheckpointBody checkpoint = SignedNote.checkpoint(parsed.verifiedText(logKey));
    if (!checkpoint.origin().equals(logKey.name())) {
      throw new IllegalArgumentException(
          "the checkpoint's origin " + checkpoint.origin() + " is not the log " + logKey.name());
    }
    List<String> cosigned = new ArrayList<>();
    for (SignedNote.VerifierKey witness : witnesses) {
      try {
        parsed.cosignedAt(witness);
        cosigned.add(witness.name());
      } catch (IllegalArgumentException e) {
        if (e.getMessage().contains("does not verify")) {
          throw e; // a known witness's signature that fails: the note is bad, say so
        }
      }
    }
    if (cosigned.size() < required) {
      throw new IllegalArgumentException(
          cosigned.size()
              + " of the "
              + required
              + " witness cosignatures required"
              + (cosigned.isEmpty() ? "" : " (" + String.join(", ", cosigned) + ")"));
    }
    return new Accepted(checkpoint, List.copyOf(cosigned));
  }
}
