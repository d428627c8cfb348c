package org.parcelgate.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load balancer configuration written for a cluster layout. */
class HaproxyConfigTest {
  private static final ClusterLayout THREE = new ClusterLayout(3, "127.0.0.1", 8443, 8444, 9091);

  @Test
  void forwardsTcpFromTheFrontPortToEveryPartnerPortWithoutTerminatingTls() {
    List<String> lines = lines(HaproxyConfig.render(THREE));

    assertThat(lines).contains("mode tcp", "bind 127.0.0.1:8443", "balance leastconn");
    // Passthrough: no certificate on the balancer, so the client's certificate reaches a gateway.
    assertThat(lines).noneMatch(line -> line.contains(" ssl") || line.contains("crt "));
    assertThat(lines).noneMatch(line -> line.equals("mode http"));
  }

  @Test
  void checksEachInstanceOnItsOwnOpsReadinessEndpoint() {
    List<String> lines = lines(HaproxyConfig.render(THREE));

    assertThat(lines).contains("option httpchk", "http-check expect status 200");
    assertThat(lines).contains("http-check send meth GET uri /health/ready");
    assertThat(lines.stream().filter(line -> line.startsWith("server ")))
        .containsExactly(
            "server gateway-1 127.0.0.1:8444 check port 9091",
            "server gateway-2 127.0.0.1:8445 check port 9092",
            "server gateway-3 127.0.0.1:8446 check port 9093");
  }

  @Test
  void listsOneServerForASingleInstance() {
    String cfg = HaproxyConfig.render(new ClusterLayout(1, "10.0.0.5", 443, 8443, 9090));

    assertThat(lines(cfg).stream().filter(line -> line.startsWith("server ")))
        .containsExactly("server gateway-1 10.0.0.5:8443 check port 9090");
    assertThat(lines(cfg)).contains("bind 10.0.0.5:443");
  }

  private static List<String> lines(String cfg) {
    return Arrays.stream(cfg.split("\n")).map(String::strip).toList();
  }
}
