package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parcelgate.protocol.MerkleTree;

/**
 * How many stored nodes a tree head or proof reads: O(log n) at any size, counted on synthetic
 * nodes so that sizes far beyond what a test could store can be asked for. Their values are checked
 * against the reference in {@link LogTablesTest}.
 */
class LogTreeTest {
  private static final long[] SIZES = {
    1, 2, 3, 7, 1_000, 1_023, 1_024, 1_025, 1_000_000, (1L << 40) - 1, (1L << 40) + 1, 1L << 62
  };

  @Test
  void aTreeHeadReadsOneNodePerBinaryDigitOfTheSize() {
    for (long size : SIZES) {
      Counting nodes = new Counting();

      LogTree.root(nodes, size);

      assertThat(nodes.reads).as("size %d", size).isEqualTo(Long.bitCount(size));
    }
  }

  @Test
  void anAuditPathReadsAtMostTwoNodesPerLevel() {
    for (long size : SIZES) {
      for (long index : new long[] {0, size / 3, size / 2, size - 1}) {
        Counting nodes = new Counting();

        List<byte[]> path = LogTree.inclusionProof(nodes, index, size);

        assertThat(path).hasSizeLessThanOrEqualTo(levels(size));
        assertThat(nodes.reads).as("%d in %d", index, size).isLessThanOrEqualTo(2 * levels(size));
      }
    }
  }

  @Test
  void aConsistencyProofReadsAtMostTwoNodesPerLevel() {
    for (long size : SIZES) {
      for (long first : new long[] {1, size / 3, size / 2, size - 1, size}) {
        if (first < 1) {
          continue;
        }
        Counting nodes = new Counting();

        LogTree.consistencyProof(nodes, first, size);

        assertThat(nodes.reads)
            .as("%d -> %d", first, size)
            .isLessThanOrEqualTo(2 * levels(size) + 1);
      }
    }
  }

  @Test
  void growthFromStoredPeaksCompletesTheSameNodesAsGrowthFromTheStart() {
    LogTree.Growth fromStart = new LogTree.Growth();
    for (long i = 0; i < 45; i++) {
      fromStart.append(leaf(i));
    }
    // Peaks of 45 = 32 + 8 + 4 + 1, taken from a tree that holds exactly the nodes of the first 45.
    LogTree.Nodes<RuntimeException> first45 =
        (level, index) -> {
          LogTree.Growth tree = new LogTree.Growth();
          byte[] found = null;
          for (long i = 0; i < 45; i++) {
            for (LogNode node : tree.append(leaf(i))) {
              if (node.level() == level && node.index() == index) {
                found = node.hash();
              }
            }
            if (level == 0 && i == index) {
              found = leaf(i);
            }
          }
          return found;
        };
    LogTree.Growth resumed = new LogTree.Growth(45, LogTree.peaks(first45, 45));

    for (long i = 45; i < 100; i++) {
      List<LogNode> expected = fromStart.append(leaf(i));
      List<LogNode> found = resumed.append(leaf(i));
      assertThat(found).hasSameSizeAs(expected);
      for (int n = 0; n < found.size(); n++) {
        assertThat(found.get(n).level()).isEqualTo(expected.get(n).level());
        assertThat(found.get(n).index()).isEqualTo(expected.get(n).index());
        assertThat(found.get(n).hash()).isEqualTo(expected.get(n).hash());
      }
      assertThat(resumed.root()).isEqualTo(fromStart.root());
    }
  }

  /** The number of levels of a tree of this size: the longest audit path. */
  private static int levels(long size) {
    return 64 - Long.numberOfLeadingZeros(size - 1);
  }

  private static byte[] leaf(long index) {
    return MerkleTree.leafHash(ByteBuffer.allocate(8).putLong(index).array());
  }

  /** Synthetic nodes (a hash of their position) that count their reads. */
  private static final class Counting implements LogTree.Nodes<RuntimeException> {
    int reads;

    @Override
    public byte[] hash(int level, long index) {
      reads++;
      return MerkleTree.leafHash(ByteBuffer.allocate(12).putInt(level).putLong(index).array());
    }
  }
}
