package dev.flamingo.sync.common.db;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts each service's statement round trips to Postgres, exposed as {@code flamingo_db_statements_total} with the
 * label {@code service} (auth, data, device) on {@code /metrics}. The one place that counts: {@link Database#pool}
 * hands every service a pool that counts each statement it executes (a query, a prepared query, a batch), and a
 * transaction's BEGIN and its COMMIT or ROLLBACK. The outbox relay's polling (its own timer, not a request's work)
 * uses {@link #uncounted}. The bench divides data's delta by the HTTP request delta.
 */
public final class DbStatements {
  private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();
  /** The registry each service's counter is in (registering it again would be ignored, with a warning). */
  private static final Map<String, MeterRegistry> REGISTERED = new ConcurrentHashMap<>();

  private DbStatements() {}

  private static LongAdder counter(String service) {
    return COUNTS.computeIfAbsent(service, s -> new LongAdder());
  }

  /** The statements {@code service} sent in this JVM. */
  public static long total(String service) {
    return counter(service).sum();
  }

  /**
   * Registers {@code service}'s counter in the default registry, when metrics are on: once per registry (each
   * verticle instance of the service calls it).
   */
  public static synchronized void register(String service) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry != null && REGISTERED.get(service) != registry) {
      REGISTERED.put(service, registry);
      FunctionCounter.builder("flamingo_db_statements", counter(service), LongAdder::sum)
          .description("Statement round trips each service sent to Postgres")
          .tag("service", service)
          .register(registry);
    }
  }

  /** {@code pool}, counting the statements it sends as {@code service}'s. */
  public static Pool counted(Pool pool, String service) {
    register(service);
    return wrap(Pool.class, pool, counter(service));
  }

  /** The pool under a {@link #counted} one (its statements are not counted), else {@code pool} itself. */
  public static Pool uncounted(Pool pool) {
    return Proxy.isProxyClass(pool.getClass()) && Proxy.getInvocationHandler(pool) instanceof Counting c
        ? (Pool) c.target : pool;
  }

  @SuppressWarnings("unchecked")
  private static <T> T wrap(Class<T> type, Object target, LongAdder count) {
    return (T) Proxy.newProxyInstance(DbStatements.class.getClassLoader(), new Class<?>[] {type},
        new Counting(type, target, count));
  }

  /** Passes each call to the target; wraps what sends statements later; counts what sends one now. */
  private record Counting(Class<?> type, Object target, LongAdder count) implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (method.getDeclaringClass() == Object.class) {
        return switch (name) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> type.getSimpleName() + " counted: " + target;
        };
      }
      if (method.isDefault() && type == Pool.class) {
        // withTransaction and withConnection: through this proxy's getConnection, so their statements count
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (result instanceof PreparedQuery<?> q) {
        return wrap(PreparedQuery.class, q, count);
      }
      if (result instanceof Query<?> q) {
        return wrap(Query.class, q, count);
      }
      if ((type == Query.class || type == PreparedQuery.class) && name.startsWith("execute")) {
        count.increment();
        return result;
      }
      if (type == Transaction.class && (name.equals("commit") || name.equals("rollback"))) {
        count.increment();
        return result;
      }
      if (name.equals("getConnection") && result instanceof Future<?> f) {
        return f.map(c -> wrap(SqlConnection.class, c, count));
      }
      if (name.equals("begin") && result instanceof Future<?> f) {
        count.increment();
        return f.map(t -> wrap(Transaction.class, t, count));
      }
      return result;
    }
  }
}
