package org.parcelgate.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** Which gateway a command calls: its partner API and its id, the audience of every token. */
final class GatewayAddress {
  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "https://localhost:8443",
      description = "The gateway's partner API (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(
      names = "--audience",
      paramLabel = "GATEWAY_ID",
      defaultValue = "parcelgate-local",
      description = "The gateway's id, the aud of every token (default: ${DEFAULT-VALUE}).")
  String audience;
}
