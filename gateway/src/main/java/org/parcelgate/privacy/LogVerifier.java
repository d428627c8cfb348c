package org.parcelgate.privacy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.MerkleTree;

/**
 * Verifies an exported minimization log offline against a checkpoint whose signature was already
 * checked: the first {@code treeSize} lines of the export, hashed as RFC 9162 leaves, must give the
 * checkpoint's root hash. Deleting, editing, inserting or reordering any covered entry changes that
 * root; so does any change to a single byte of a line.
 */
public final class LogVerifier {
  private LogVerifier() {}

  /**
   * The outcome.
   *
   * @param verified whether the export matches the checkpoint
   * @param covered entries the checkpoint covers
   * @param beyond entries of the export after the checkpoint: not covered by it
   * @param message one line saying what was found
   */
  public record Result(boolean verified, long covered, long beyond, String message) {}

  /**
   * @param lines the export's lines (JSON lines: one entry's exact text per line, in index order)
   */
  public static Result verify(List<String> lines, Checkpoint checkpoint) {
    Pass pass = new Pass(checkpoint);
    lines.forEach(pass::add);
    return pass.result();
  }

  /**
   * One pass over an export's lines, given one at a time in index order: each covered line is
   * hashed into a growing tree and dropped, so an export of any length is verified in O(log n)
   * memory.
   */
  public static final class Pass {
    private final Checkpoint checkpoint;
    private final MerkleTree.Accumulator tree = new MerkleTree.Accumulator();
    private long lines;

    public Pass(Checkpoint checkpoint) {
      this.checkpoint = checkpoint;
    }

    /** The export's next line. */
    public void add(String line) {
      lines++;
      if (tree.size() < checkpoint.treeSize()) {
        tree.append(MerkleTree.leafHash(line.getBytes(StandardCharsets.UTF_8)));
      }
    }

    /** The outcome for the lines given so far. */
    public Result result() {
      long size = checkpoint.treeSize();
      if (lines < size) {
        return new Result(
            false,
            size,
            0,
            "the export holds "
                + lines
                + " entries but the checkpoint covers "
                + size
                + ": entries were removed, or the export is older than the checkpoint (fetch the"
                + " checkpoint first, then export with end="
                + size
                + ")");
      }
      String root = Base64.getUrlEncoder().withoutPadding().encodeToString(tree.root());
      long beyond = lines - size;
      if (!root.equals(checkpoint.rootHash())) {
        return new Result(
            false,
            size,
            beyond,
            "the first "
                + size
                + " entries do not match the checkpoint's root hash: an entry was changed, removed,"
                + " inserted or reordered");
      }
      return new Result(
          true,
          size,
          beyond,
          "the first "
              + size
              + " entries match the checkpoint signed at "
              + checkpoint.time()
              + " by key "
              + checkpoint.keyId()
              + (beyond > 0 ? "; " + beyond + " later entries are not covered by it" : ""));
    }
  }
}
