package dev.flamingo.sync.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdTest {
  @Test
  void aMadeUpRequestIdIsAUniqueVersion4Uuid() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Contexts.newRequestId();
      UUID uuid = UUID.fromString(id);
      assertEquals(4, uuid.version());
      assertEquals(2, uuid.variant());
      assertEquals(id, uuid.toString());
      assertTrue(id.matches("[0-9a-f-]{36}"));
      assertTrue(seen.add(id), "unique");
    }
  }
}
