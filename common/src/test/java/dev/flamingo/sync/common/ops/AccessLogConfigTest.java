package dev.flamingo.sync.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The production logging config (common's logback.xml): the access log stays on (INFO), but is written
 * through an async appender that never blocks the event loop; other logs stay synchronous.
 */
class AccessLogConfigTest {
  @Test
  void theAccessLogIsOnAndWrittenOffTheRequestPath() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(AccessLogConfigTest.class.getResource("/logback.xml"));
    try {
      Logger access = context.getLogger("flamingo.access");
      assertEquals(Level.INFO, access.getEffectiveLevel());
      assertFalse(access.isAdditive(), "written once, through its own appender");
      AsyncAppender async = assertInstanceOf(AsyncAppender.class, only(access));
      assertTrue(async.isNeverBlock());
      assertEquals(0, async.getDiscardingThreshold(), "INFO lines are not dropped early");
      assertTrue(async.isStarted());
      assertNotNull(async.getAppender("TEXT"), "the same console format as every other log");
      assertFalse(only(context.getLogger(Logger.ROOT_LOGGER_NAME)) instanceof AsyncAppender);

    } finally {
      context.stop();
    }
  }

  private static Appender<ILoggingEvent> only(Logger logger) {
    List<Appender<ILoggingEvent>> all = new ArrayList<>();
    for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
      all.add(it.next());
    }
    assertEquals(1, all.size(), logger.getName() + " appenders: " + all);
    return all.get(0);
  }
}
