package org.parcelgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 9162 / RFC 6962 Merkle tree: the published test vectors, then round trips and tampering on
 * many sizes.
 */
class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  /** The Certificate Transparency reference leaves. */
  private static final List<byte[]> VECTOR_DATA =
      List.of(
          HEX.parseHex(""),
          HEX.parseHex("00"),
          HEX.parseHex("10"),
          HEX.parseHex("2021"),
          HEX.parseHex("3031"),
          HEX.parseHex("40414243"),
          HEX.parseHex("5051525354555657"),
          HEX.parseHex("606162636465666768696a6b6c6d6e6f"));

  /** Their tree heads for sizes 0 to 8. */
  private static final List<String> VECTOR_ROOTS =
      List.of(
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
          "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
          "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
          "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
          "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
          "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  private static List<byte[]> vectorLeaves() {
    return VECTOR_DATA.stream().map(MerkleTree::leafHash).toList();
  }

  private static List<byte[]> leaves(int n) {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      leaves.add(MerkleTree.leafHash(("entry-" + i).getBytes(StandardCharsets.UTF_8)));
    }
    return leaves;
  }

  @Test
  void accumulatorGivesThePublishedTreeHeadAtEverySize() {
    MerkleTree.Accumulator tree = new MerkleTree.Accumulator();
    assertThat(HEX.formatHex(tree.root())).isEqualTo(VECTOR_ROOTS.get(0));
    List<byte[]> leaves = vectorLeaves();
    for (int size = 1; size <= 8; size++) {
      tree.append(leaves.get(size - 1));
      assertThat(HEX.formatHex(tree.root())).as("size %d", size).isEqualTo(VECTOR_ROOTS.get(size));
    }
  }

  @Test
  void accumulatorAgreesWithTheRecursiveHeadUpToAHundredLeaves() {
    List<byte[]> leaves = leaves(100);
    MerkleTree.Accumulator tree = new MerkleTree.Accumulator();
    for (int size = 1; size <= 100; size++) {
      tree.append(leaves.get(size - 1));
      assertThat(tree.root())
          .as("size %d", size)
          .isEqualTo(MerkleTree.root(leaves.subList(0, size)));
    }
  }

  @Test
  void matchesThePublishedTreeHeadsForEverySizeUpToEight() {
    List<byte[]> leaves = vectorLeaves();
    for (int size = 0; size <= 8; size++) {
      assertThat(HEX.formatHex(MerkleTree.root(leaves.subList(0, size))))
          .as("size %d", size)
          .isEqualTo(VECTOR_ROOTS.get(size));
    }
  }

  @Test
  void producesThePublishedInclusionProofs() {
    List<byte[]> leaves = vectorLeaves();
    assertThat(MerkleTree.inclusionProof(leaves, 0).stream().map(HEX::formatHex))
        .containsExactly(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    assertThat(MerkleTree.inclusionProof(leaves, 5).stream().map(HEX::formatHex))
        .containsExactly(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
  }

  @Test
  void producesThePublishedConsistencyProofStart() {
    List<byte[]> proof = MerkleTree.consistencyProof(vectorLeaves(), 2);
    assertThat(proof.stream().limit(2).map(HEX::formatHex))
        .containsExactly(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
  }

  @Test
  void everyInclusionProofVerifiesInEveryTreeSizeAndTamperingFails() {
    List<byte[]> all = leaves(40);
    for (int size = 1; size <= all.size(); size++) {
      List<byte[]> tree = all.subList(0, size);
      byte[] root = MerkleTree.root(tree);
      for (int index = 0; index < size; index++) {
        List<byte[]> proof = MerkleTree.inclusionProof(tree, index);
        assertThat(MerkleTree.verifyInclusion(tree.get(index), index, size, proof, root)).isTrue();
        // An edited entry, a moved entry, or another tree size does not verify.
        byte[] edited = MerkleTree.leafHash("edited".getBytes(StandardCharsets.UTF_8));
        assertThat(MerkleTree.verifyInclusion(edited, index, size, proof, root)).isFalse();
        if (size > 1) {
          assertThat(
                  MerkleTree.verifyInclusion(
                      tree.get(index), (index + 1) % size, size, proof, root))
              .isFalse();
        }
        // Against the head of another tree (one entry more) the same proof fails. (The size itself
        // is
        // bound to its head by the signed checkpoint, not by the proof: RFC 9162 section 2.1.3.2.)
        if (size < all.size()) {
          byte[] biggerRoot = MerkleTree.root(all.subList(0, size + 1));
          assertThat(
                  MerkleTree.verifyInclusion(tree.get(index), index, size + 1, proof, biggerRoot))
              .isFalse();
        }
      }
    }
  }

  @Test
  void everyConsistencyProofVerifiesAndARewrittenHistoryDoesNot() {
    List<byte[]> all = leaves(40);
    for (int second = 1; second <= all.size(); second++) {
      List<byte[]> tree = all.subList(0, second);
      byte[] secondRoot = MerkleTree.root(tree);
      for (int first = 1; first <= second; first++) {
        byte[] firstRoot = MerkleTree.root(tree.subList(0, first));
        List<byte[]> proof = MerkleTree.consistencyProof(tree, first);
        assertThat(MerkleTree.verifyConsistency(first, second, firstRoot, secondRoot, proof))
            .as("%d -> %d", first, second)
            .isTrue();
        if (first < second) {
          // The same sizes, but the older history rewritten: entry 0 replaced.
          List<byte[]> rewritten = new ArrayList<>(tree);
          rewritten.set(0, MerkleTree.leafHash("forged".getBytes(StandardCharsets.UTF_8)));
          byte[] forgedFirstRoot = MerkleTree.root(rewritten.subList(0, first));
          assertThat(
                  MerkleTree.verifyConsistency(first, second, forgedFirstRoot, secondRoot, proof))
              .isFalse();
        }
      }
    }
  }

  @Test
  void refusesImpossibleSizes() {
    byte[] root = MerkleTree.root(leaves(4));
    assertThat(MerkleTree.verifyInclusion(root, 4, 4, List.of(), root)).isFalse();
    assertThat(MerkleTree.verifyConsistency(5, 4, root, root, List.of())).isFalse();
    assertThat(MerkleTree.verifyConsistency(2, 4, root, root, List.of())).isFalse();
  }
}
