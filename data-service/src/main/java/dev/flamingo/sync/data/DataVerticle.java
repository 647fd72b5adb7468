package dev.flamingo.sync.data;

import dev.flamingo.sync.common.bus.Addresses;
import dev.flamingo.sync.common.bus.ServiceConsumers;
import dev.flamingo.sync.common.config.Settings;
import dev.flamingo.sync.common.db.Database;
import dev.flamingo.sync.common.outbox.Outbox;
import dev.flamingo.sync.common.outbox.OutboxRelay;
import dev.flamingo.sync.data.account.AccountDataService;
import dev.flamingo.sync.data.account.AccountDataStore;
import dev.flamingo.sync.data.blob.BlobService;
import dev.flamingo.sync.data.blob.BlobStore;
import dev.flamingo.sync.data.blob.BlobWire;
import dev.flamingo.sync.data.config.ConfigService;
import dev.flamingo.sync.data.config.ConfigStore;
import dev.flamingo.sync.data.key.KekCheck;
import dev.flamingo.sync.data.key.KeyService;
import dev.flamingo.sync.data.key.KeyStore;
import dev.flamingo.sync.common.security.KekSource;
import dev.flamingo.sync.common.security.KeyWrapper;
import dev.flamingo.sync.data.support.DataSettings;
import dev.flamingo.sync.data.support.Events;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** data-service: sync config, the account's key escrow, encrypted blobs. Owns the {@code data} schema. */
public class DataVerticle extends VerticleBase {
  static final long DRAIN_MS = 10_000;
  private Pool pool;
  private OutboxRelay relay;
  private ServiceConsumers consumers;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    DataSettings limits;
    try {
      limits = DataSettings.from(settings);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(() -> KekSource.load(settings), false)
        .compose(wrapper -> Database.open(vertx, settings, "data").compose(p -> {
          pool = p;
          KeyStore keyStore = new KeyStore(pool);
          // a refused start is not stopped by Vert.x: close the pool here
          return KekCheck.verify(keyStore, wrapper).map(ok -> keyStore).onFailure(e -> pool.close());
        }).compose(keyStore -> {
          Outbox outbox = new Outbox();
          relay = OutboxRelay.startFor(vertx, pool, outbox);
          Events events = new Events(vertx, outbox);
          ConfigStore configStore = new ConfigStore(pool);
          ConfigService config = new ConfigService(configStore, events);
          KeyService keys = new KeyService(keyStore, wrapper, events);
          BlobService blobs = new BlobService(new BlobStore(pool), limits, events);
          BlobWire wire = new BlobWire(blobs);
          AccountDataService accountData = new AccountDataService(new AccountDataStore(pool), limits, events);
          consumers = new ServiceConsumers(vertx);
          return consumers
              .on(Addresses.DATA_PING, Database.ping(pool, "data"))
              .on(Addresses.DATA_CONFIG_GET, config::get)
              .on(Addresses.DATA_CONFIG_PUT, config::put)
              .on(Addresses.DATA_KEY_GET, keys::get)
              .on(Addresses.DATA_KEY_PUT, keys::put)
              .on(Addresses.DATA_KEY_GET_V2, keys::getV2)
              .on(Addresses.DATA_KEY_PUT_V2, keys::putV2)
              .on(Addresses.DATA_KEY_CONVERT, keys::convert)
              .on(Addresses.DATA_BLOB_LIST, blobs::list)
              .onWire(Addresses.DATA_BLOB_GET, wire::get)
              .onWire(Addresses.DATA_BLOB_PUT, wire::put)
              .on(Addresses.DATA_BLOB_DELETE, blobs::delete)
              .on(Addresses.DATA_LIMITS, accountData::limits)
              .on(Addresses.DATA_ADMIN_USAGE, accountData::usage)
              .on(Addresses.DATA_ADMIN_QUOTA_PUT, accountData::setQuota)
              .on(Addresses.DATA_ADMIN_TOTALS, accountData::totals)
              .on(Addresses.DATA_ACCOUNT_PURGE, accountData::purge)
              .on(Addresses.DATA_KEY_STATUS, keys::status)
              .ready();
        }));
  }

  @Override
  public Future<?> stop() {
    // take no more requests and answer those in flight before the pool closes
    Future<Void> drained = consumers == null ? Future.succeededFuture() : consumers.close(DRAIN_MS);
    Future<Void> relayed = drained.eventually(() -> relay == null ? Future.succeededFuture() : relay.stop());
    return pool == null ? relayed : relayed.eventually(() -> pool.close());
  }
}
