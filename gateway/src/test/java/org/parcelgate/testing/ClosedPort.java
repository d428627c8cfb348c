package org.parcelgate.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A local port where nothing listens and, while this is open, nothing can start to.
 *
 * <p>A port found free and then let go ({@link GatewayProcess#freePort()}) can be taken by the next
 * server bound to port 0, the gateway under test included: a test expecting a refused connection
 * then meets that server instead. This holds the port with a socket that is bound but neither
 * listening nor connected, so a connection to it is refused and no other socket can bind it.
 */
public final class ClosedPort implements AutoCloseable {
  private final SocketChannel holder;

  private ClosedPort(SocketChannel holder) {
    this.holder = holder;
  }

  public static ClosedPort hold() throws IOException {
    SocketChannel holder = SocketChannel.open();
    try {
      holder.bind(new InetSocketAddress(0));
      return new ClosedPort(holder);
    } catch (IOException | RuntimeException e) {
      holder.close();
      throw e;
    }
  }

  public int port() {
    try {
      return ((InetSocketAddress) holder.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException("the held socket is closed", e);
    }
  }

  @Override
  public void close() throws IOException {
    holder.close();
  }
}
