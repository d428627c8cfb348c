package org.parcelgate.cli;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Option;

/**
 * Which gateway a command calls: its partner API and its id, the audience of every token. Each
 * comes from its option, else its environment variable, else the profile, else the default ({@link
 * CallerSettings}).
 */
final class GatewayAddress {
  static final String DEFAULT_URL = "https://localhost:8443";
  static final String DEFAULT_AUDIENCE = "parcelgate-local";

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "The gateway's partner API (else $PARCELGATE_URL, else the profile's url; default: "
              + DEFAULT_URL
              + ").")
  String url;

  @Option(
      names = "--audience",
      paramLabel = "GATEWAY_ID",
      description =
          "The gateway's id, the aud of every token (else $PARCELGATE_AUDIENCE, else the"
              + " profile's audience; default: "
              + DEFAULT_AUDIENCE
              + ").")
  String audience;

  /** The partner API's URL. */
  URI url(CallerSettings settings) {
    String text = settings.text(CallerSettings.Key.URL, url);
    text = text == null ? DEFAULT_URL : text;
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new URISyntaxException(text, "not an absolute URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new UsageException("the gateway URL " + text + " is not a URL: " + e.getReason());
    }
  }

  /** The gateway's id. */
  String audience(CallerSettings settings) {
    String text = settings.text(CallerSettings.Key.AUDIENCE, audience);
    return text == null ? DEFAULT_AUDIENCE : text;
  }
}
