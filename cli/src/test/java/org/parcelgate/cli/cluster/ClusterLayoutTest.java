package org.parcelgate.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The ports of a local cluster: consecutive, and never one port for two purposes. */
class ClusterLayoutTest {
  @Test
  void givesInstanceIThePortsAfterTheBases() {
    ClusterLayout layout = new ClusterLayout(3, "127.0.0.1", 8443, 8444, 9091);

    assertThat(layout.partnerPort(1)).isEqualTo(8444);
    assertThat(layout.partnerPort(3)).isEqualTo(8446);
    assertThat(layout.opsPort(1)).isEqualTo(9091);
    assertThat(layout.opsPort(3)).isEqualTo(9093);
    assertThatThrownBy(() -> layout.partnerPort(4)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void rejectsNoInstancesAndTooMany() {
    assertThatThrownBy(() -> new ClusterLayout(0, "127.0.0.1", 8443, 8444, 9091))
        .hasMessageContaining("--instances");
    assertThatThrownBy(
            () -> new ClusterLayout(ClusterLayout.MAX_INSTANCES + 1, "127.0.0.1", 8443, 8444, 9091))
        .hasMessageContaining("--instances");
  }

  @Test
  void rejectsPartnerPortsOverlappingOpsPorts() {
    assertThatThrownBy(() -> new ClusterLayout(3, "127.0.0.1", 8443, 9000, 9002))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("9000-9002")
        .hasMessageContaining("overlap");
  }

  @Test
  void rejectsAFrontPortThatAnInstanceUses() {
    assertThatThrownBy(() -> new ClusterLayout(3, "127.0.0.1", 8445, 8444, 9091))
        .hasMessageContaining("--front-port 8445");
    assertThatThrownBy(() -> new ClusterLayout(3, "127.0.0.1", 9093, 8444, 9091))
        .hasMessageContaining("--front-port 9093");
  }

  @Test
  void rejectsPortRangesPastTheLastPort() {
    assertThatThrownBy(() -> new ClusterLayout(3, "127.0.0.1", 8443, 65534, 9091))
        .hasMessageContaining("--partner-port 65534");
    assertThatThrownBy(() -> new ClusterLayout(1, "127.0.0.1", 0, 8444, 9091))
        .hasMessageContaining("--front-port 0");
  }
}
