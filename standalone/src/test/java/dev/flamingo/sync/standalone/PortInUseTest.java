package dev.flamingo.sync.standalone;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flamingo.sync.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A port in use stops the server with a line naming the port and the variable that chose it. */
class PortInUseTest {
  @Test
  void theStartFailureNamesThePortAndItsVariable() throws Exception {
    int port = TestCluster.freePort();
    try (ServerSocket taken = new ServerSocket()) {
      taken.setReuseAddress(true);
      taken.bind(new InetSocketAddress("0.0.0.0", port));
      RuntimeException e = assertThrows(RuntimeException.class, () -> OneBoxServer.start(port, new JsonObject()).close());
      String message = String.valueOf(e.getMessage());
      assertTrue(message.contains("FLAMINGO_HTTP_PORT=" + port + ": the port is in use"), message);
    }
  }
}
