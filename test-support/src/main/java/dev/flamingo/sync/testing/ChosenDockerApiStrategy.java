package dev.flamingo.sync.testing;

import java.net.URI;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;

/**
 * The Docker API that {@link TestDatabase} chose (e.g. Podman's socket), for Testcontainers. Testcontainers
 * reads {@code DOCKER_HOST} only from the environment or ~/.testcontainers.properties, which a test JVM cannot
 * set for itself; this strategy (registered in META-INF/services, first by priority) uses the system property
 * {@value #PROPERTY} instead, and only when it is set.
 */
public final class ChosenDockerApiStrategy extends DockerClientProviderStrategy {
  public static final String PROPERTY = "flamingo.test.docker-host";

  @Override
  public TransportConfig getTransportConfig() {
    return TransportConfig.builder().dockerHost(URI.create(System.getProperty(PROPERTY))).build();
  }

  @Override
  protected boolean isApplicable() {
    String host = System.getProperty(PROPERTY);
    return host != null && !host.isBlank();
  }

  @Override
  protected int getPriority() {
    return 1000; // before Testcontainers' own strategies (at most 100)
  }

  @Override
  protected boolean isPersistable() {
    return false;
  }

  @Override
  public String getDescription() {
    return "the Docker API chosen by TestDatabase (" + System.getProperty(PROPERTY) + ")";
  }
}
