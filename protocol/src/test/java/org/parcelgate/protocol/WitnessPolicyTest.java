package org.parcelgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.subtle.Ed25519Sign;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** k of n: the log's signature and enough witnesses' cosignatures, each checked with its key. */
class WitnessPolicyTest {
  private static final String ORIGIN = "gateway.example/minimization-log";

  private record Key(String name, byte type, Ed25519Sign.KeyPair pair) {
    static Key of(String name, byte type) throws Exception {
      return new Key(name, type, Ed25519Sign.KeyPair.newKeyPair());
    }

    SignedNote.VerifierKey verifier() {
      byte[] pub = pair.getPublicKey();
      return new SignedNote.VerifierKey(name, SignedNote.keyId(name, type, pub), type, pub);
    }

    byte[] sign(byte[] message) throws Exception {
      return new Ed25519Sign(pair.getPrivateKey()).sign(message);
    }
  }

  private static String note(Key log) throws Exception {
    String text = SignedNote.checkpointText(log.name(), 7, new byte[32]);
    byte[] signature = log.sign(text.getBytes(StandardCharsets.UTF_8));
    return text + "\n" + SignedNote.signatureLine(log.name(), log.verifier().keyId(), signature);
  }

  private static String cosign(String note, Key witness, long time) throws Exception {
    String text = SignedNote.parse(note).text();
    byte[] signature = witness.sign(SignedNote.cosignedMessage(text, time));
    return note
        + SignedNote.cosignatureLine(
            witness.name(), witness.pair().getPublicKey(), time, signature);
  }

  @Test
  void acceptsACheckpointWithEnoughCosignaturesAndRefusesOneWithout() throws Exception {
    Key log = Key.of(ORIGIN, SignedNote.ED25519);
    Key a = Key.of("a.example/witness", SignedNote.COSIGNATURE);
    Key b = Key.of("b.example/witness", SignedNote.COSIGNATURE);
    Key c = Key.of("c.example/witness", SignedNote.COSIGNATURE);
    String bySome = cosign(cosign(note(log), a, 1_800_000_000L), c, 1_800_000_001L);
    WitnessPolicy twoOfThree =
        new WitnessPolicy(log.verifier(), List.of(a.verifier(), b.verifier(), c.verifier()), 2);

    WitnessPolicy.Accepted accepted = twoOfThree.accept(bySome);

    assertThat(accepted.checkpoint().treeSize()).isEqualTo(7);
    assertThat(accepted.witnesses()).containsExactly("a.example/witness", "c.example/witness");
    assertThatThrownBy(
            () ->
                new WitnessPolicy(log.verifier(), List.of(a.verifier(), b.verifier()), 2)
                    .accept(bySome))
        .hasMessage("1 of the 2 witness cosignatures required (a.example/witness)");
  }

  @Test
  void refusesAForgedCosignatureOfAKnownWitnessAndAnotherLogsNote() throws Exception {
    Key log = Key.of(ORIGIN, SignedNote.ED25519);
    Key a = Key.of("a.example/witness", SignedNote.COSIGNATURE);
    String cosigned = cosign(note(log), a, 1_800_000_000L);
    // The time changed after signing: the signature no longer covers it.
    String[] parts = cosigned.split("\u2014 a.example/witness ");
    byte[] signed = java.util.Base64.getDecoder().decode(parts[1].strip());
    signed[11]++;
    String forged =
        parts[0]
            + "\u2014 a.example/witness "
            + java.util.Base64.getEncoder().encodeToString(signed)
            + "\n";

    WitnessPolicy oneOfOne = new WitnessPolicy(log.verifier(), List.of(a.verifier()), 1);
    assertThatThrownBy(() -> oneOfOne.accept(forged)).hasMessageContaining("does not verify");

    Key other = Key.of("elsewhere.example/log", SignedNote.ED25519);
    assertThatThrownBy(
            () -> new WitnessPolicy(other.verifier(), List.of(a.verifier()), 1).accept(cosigned))
        .hasMessageContaining("no signature by elsewhere.example/log");
    assertThatThrownBy(() -> new WitnessPolicy(log.verifier(), List.of(a.verifier()), 2))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
