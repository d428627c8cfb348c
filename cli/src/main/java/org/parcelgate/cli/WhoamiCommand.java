package org.parcelgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.parcelgate.client.ParcelgateClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code parcelgate whoami}: who the gateway takes the caller for; checks a set-up end to end. */
@Command(
    name = "whoami",
    mixinStandardHelpOptions = true,
    description = {
      "Asks the gateway who it takes the caller for (default marketplace-alpha): partner, role and signing key.",
      "A quick check of a set-up (URL, certificate, key, token, registration) with nothing stored."
    })
final class WhoamiCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin Connection connection;

  @Option(names = "--json", description = "Print one JSON document: partnerId, role, keyId, url.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Connection.Caller caller = connection.caller("marketplace-alpha", true);
    try (ParcelgateClient client = connection.open(caller)) {
      ParcelgateClient.WhoAmI me = client.whoami();
      if (json) {
        ObjectNode document = new ObjectMapper().createObjectNode();
        document.put("partnerId", me.partnerId());
        document.put("role", me.role());
        document.put("keyId", me.keyId());
        document.put("url", caller.url().toString());
        out.println(document.toString());
      } else {
        out.printf(
            "%s (%s), signing key %s, at %s%n",
            me.partnerId(), me.role(), me.keyId(), caller.url());
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
