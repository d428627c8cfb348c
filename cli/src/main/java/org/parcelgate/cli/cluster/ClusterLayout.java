package org.parcelgate.cli.cluster;

/**
 * Where the instances of a local cluster listen: instance {@code i} (1-based) serves its partner
 * API on {@code partnerPortBase + i - 1} and its ops port on {@code opsPortBase + i - 1}; the load
 * balancer's one front port leads to all partner ports. Checked once, so that no instance starts
 * onto a port another one of the same cluster needs.
 */
public record ClusterLayout(
    int instances, String host, int frontPort, int partnerPortBase, int opsPortBase) {
  /** More instances than this would not fit a laptop, nor be what the command is for. */
  public static final int MAX_INSTANCES = 32;

  /**
   * @throws IllegalArgumentException naming the option that is wrong
   */
  public ClusterLayout {
    if (instances < 1 || instances > MAX_INSTANCES) {
      throw new IllegalArgumentException(
          "--instances must be between 1 and " + MAX_INSTANCES + ", not " + instances);
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("--host must name an address");
    }
    port("--front-port", frontPort, 1);
    port("--partner-port", partnerPortBase, instances);
    port("--ops-port", opsPortBase, instances);
    if (overlap(partnerPortBase, opsPortBase, instances)) {
      throw new IllegalArgumentException(
          "the partner ports "
              + range(partnerPortBase, instances)
              + " and the ops ports "
              + range(opsPortBase, instances)
              + " overlap");
    }
    if (overlap(frontPort, partnerPortBase, 1, instances)
        || overlap(frontPort, opsPortBase, 1, instances)) {
      throw new IllegalArgumentException(
          "--front-port "
              + frontPort
              + " is one of the instances' ports ("
              + range(partnerPortBase, instances)
              + ", "
              + range(opsPortBase, instances)
              + ")");
    }
  }

  /** The partner API port of instance {@code i}, 1-based. */
  public int partnerPort(int i) {
    return partnerPortBase + index(i);
  }

  /** The ops port of instance {@code i}, 1-based. */
  public int opsPort(int i) {
    return opsPortBase + index(i);
  }

  private int index(int i) {
    if (i < 1 || i > instances) {
      throw new IndexOutOfBoundsException("instance " + i + " of " + instances);
    }
    return i - 1;
  }

  private static void port(String option, int first, int count) {
    if (first < 1 || first + count - 1 > 65535) {
      throw new IllegalArgumentException(
          option
              + " "
              + first
              + (count > 1 ? " leaves no room for " + count + " consecutive ports" : " is no port")
              + " (1-65535)");
    }
  }

  private static boolean overlap(int a, int b, int count) {
    return overlap(a, b, count, count);
  }

  private static boolean overlap(int a, int b, int countA, int countB) {
    return a < b + countB && b < a + countA;
  }

  private static String range(int first, int count) {
    return count == 1 ? Integer.toString(first) : first + "-" + (first + count - 1);
  }
}
