package org.parcelgate.cli.cluster;

/**
 * The HAProxy configuration of a local cluster. TCP mode, so HAProxy never terminates TLS: each
 * gateway completes the handshake itself and sees the partner's client certificate, which is who
 * the partner is. Health comes from each instance's ops readiness (HTTP on another port), so an
 * instance that is starting, draining, or whose store cannot write gets no new connections.
 */
public final class HaproxyConfig {
  /** The readiness endpoint of the ops port (docs/operations.md, "Operations port"). */
  public static final String READINESS_PATH = "/health/ready";

  private HaproxyConfig() {}

  /** The text of {@code haproxy.cfg} for this layout. */
  public static String render(ClusterLayout layout) {
    StringBuilder cfg = new StringBuilder();
    cfg.append("# Written by 'parcelgate cluster' for ")
        .append(layout.instances())
        .append(layout.instances() == 1 ? " instance" : " instances")
        .append("; rewritten on each start.\n")
        .append("# TLS passthrough: HAProxy forwards TCP, each gateway terminates TLS itself and")
        .append(" sees the partner's client\n")
        .append("# certificate. Health: each instance's ops readiness, ")
        .append(READINESS_PATH)
        .append(" (503 while starting, draining or\n")
        .append("# while its store cannot write).\n")
        .append("global\n")
        .append("    maxconn 4096\n")
        .append("\n")
        .append("defaults\n")
        .append("    mode tcp\n")
        .append("    timeout connect 5s\n")
        // Longer than partner-api.idle-timeout (60s): the gateway, not the balancer, ends idle
        // connections, with a proper TLS close.
        .append("    timeout client 75s\n")
        .append("    timeout server 75s\n")
        .append("    timeout check 3s\n")
        .append("\n")
        .append("frontend parcelgate\n")
        .append("    bind ")
        .append(address(layout.host(), layout.frontPort()))
        .append("\n")
        .append("    default_backend gateways\n")
        .append("\n")
        .append("backend gateways\n")
        .append("    balance leastconn\n")
        .append("    option httpchk\n")
        .append("    http-check send meth GET uri ")
        .append(READINESS_PATH)
        .append("\n")
        .append("    http-check expect status 200\n")
        .append("    default-server inter 2s fall 2 rise 2\n");
    for (int i = 1; i <= layout.instances(); i++) {
      cfg.append("    server gateway-")
          .append(i)
          .append(' ')
          .append(address(layout.host(), layout.partnerPort(i)))
          .append(" check port ")
          .append(layout.opsPort(i))
          .append('\n');
    }
    return cfg.toString();
  }

  /** HAProxy takes the last colon as the port's, for IPv6 addresses too ({@code ::1:8443}). */
  private static String address(String host, int port) {
    return host + ":" + port;
  }
}
