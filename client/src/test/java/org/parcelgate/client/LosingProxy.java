package org.parcelgate.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of the gateway that loses the answer to the first request: on its first
 * connection, once the client has sent more than {@code requestBytes} and the gateway has started
 * answering, it closes the client's side without passing the answer on. The gateway has then done
 * the work; the client sees the connection drop. Later connections are relayed untouched.
 */
final class LosingProxy implements AutoCloseable {
  /** More than a TLS session ticket, less than any answer with a receipt. */
  private static final int ANSWER_BYTES = 1000;

  private final ServerSocket server;
  private final int gatewayPort;
  private final int requestBytes;
  private final AtomicInteger connections = new AtomicInteger();

  LosingProxy(int gatewayPort, int requestBytes) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.gatewayPort = gatewayPort;
    this.requestBytes = requestBytes;
    Thread acceptor = new Thread(this::accept, "losing-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket gateway = new Socket(InetAddress.getLoopbackAddress(), gatewayPort);
        boolean lose = connections.incrementAndGet() == 1;
        Connection connection = new Connection(client, gateway, lose);
        start(() -> connection.relay(client, gateway, true));
        start(() -> connection.relay(gateway, client, false));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private static void start(Runnable relay) {
    Thread thread = new Thread(relay, "losing-proxy-relay");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  private final class Connection {
    private final Socket client;
    private final Socket gateway;
    private final boolean lose;
    private volatile long sent;
    private long answered;

    Connection(Socket client, Socket gateway, boolean lose) {
      this.client = client;
      this.gateway = gateway;
      this.lose = lose;
    }

    void relay(Socket from, Socket to, boolean request) {
      byte[] buffer = new byte[8192];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int read;
        while ((read = in.read(buffer)) >= 0) {
          if (request) {
            sent += read;
          } else if (lose && sent > requestBytes) {
            answered += read;
            if (answered > ANSWER_BYTES) {
              client.close();
              gateway.close();
              return;
            }
            continue;
          }
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException closed) {
        // either side went away
      } finally {
        try {
          to.shutdownOutput();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }
  }
}
