package org.parcelgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** C2SP signed notes and checkpoints, against the example of c2sp.org/signed-note. */
class SignedNoteTest {
  /** The specification's example verifier key and the note it verifies. */
  private static final String VKEY =
      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";

  private static final String NOTE =
      "This is an example message.\n\n\u2014 example.com/foo"
          + " Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

  @Test
  void verifiesTheSpecificationsExampleNote() {
    SignedNote.VerifierKey key = SignedNote.VerifierKey.parse(VKEY);

    assertThat(SignedNote.parse(NOTE).verifiedText(key)).isEqualTo("This is an example message.\n");
    assertThat(key.encode()).isEqualTo(VKEY);
    assertThat(key.keyId()).isEqualTo(0x530d903a);
  }

  @Test
  void refusesAChangedTextAndIgnoresOtherKeys() {
    SignedNote.VerifierKey key = SignedNote.VerifierKey.parse(VKEY);

    assertThatThrownBy(
            () ->
                SignedNote.parse(NOTE.replace("example message", "examples message"))
                    .verifiedText(key))
        .hasMessageContaining("does not verify");
    String otherKey = NOTE.replace("example.com/foo Uw2Q", "example.com/bar Uw2Q");
    assertThatThrownBy(() -> SignedNote.parse(otherKey).verifiedText(key))
        .hasMessageContaining("no signature by example.com/foo");
  }

  @Test
  void refusesMalformedNotesAndKeys() {
    assertThatThrownBy(() -> SignedNote.parse("text\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignedNote.parse("text\n\n- example.com/foo AAAAAAA=\n"))
        .hasMessageContaining("em dash");
    assertThatThrownBy(() -> SignedNote.parse("te\txt\n\n\u2014 a AAAAAAA=\n"))
        .hasMessageContaining("control characters");
    assertThatThrownBy(() -> SignedNote.VerifierKey.parse(VKEY.replace("+530d903a+", "+530d903b+")))
        .hasMessageContaining("does not match");
  }

  @Test
  void readsACheckpointsOriginSizeAndRoot() {
    byte[] root = new byte[32];
    root[0] = 7;
    String text = SignedNote.checkpointText("gateway.example/minimization-log", 1234, root);

    assertThat(text)
        .isEqualTo(
            "gateway.example/minimization-log\n1234\nBwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
    SignedNote.CheckpointBody body = SignedNote.checkpoint(text);
    assertThat(body.origin()).isEqualTo("gateway.example/minimization-log");
    assertThat(body.treeSize()).isEqualTo(1234);
    assertThat(body.rootHash()).isEqualTo(root);
    assertThatThrownBy(
            () -> SignedNote.checkpoint("o\n01\nBwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"))
        .hasMessageContaining("leading zero");
  }
}
