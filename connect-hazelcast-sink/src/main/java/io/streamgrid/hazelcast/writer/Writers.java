package io.streamgrid.hazelcast.writer;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.client.cache.HazelcastClientCachingProvider;
import com.hazelcast.config.CacheConfig;
import com.hazelcast.cache.ICache;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.streamgrid.hazelcast.StoreTarget;
import io.streamgrid.hazelcast.StoreType;
import io.streamgrid.hazelcast.state.MemberModule;
import io.streamgrid.hazelcast.state.MemberStateWriter;
import io.streamgrid.hazelcast.state.SqlMapping;
import io.streamgrid.hazelcast.state.StateValues;
import io.streamgrid.hazelcast.state.StateValuesFor;
import io.streamgrid.hazelcast.state.StateWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.spi.CachingProvider;

/** Makes the writer for a statement's target. */
public final class Writers {

    private Writers() {
    }

    /**
     * How many slices of a batch's keys a merging or version-guarded writer compares-and-sets at once. IMap has no
     * asynchronous compare-and-set, so each slice is a thread waiting on one round trip at a time: with new keys (a
     * putIfAbsent each) 8 gave 36-40k records/s, 32 gives 59-67k (docs/benchmarks.md, 1b).
     */
    public static final int STATE_PARALLELISM = 32;

    /**
     * @param ttl       time to live for IMAP, ICACHE and REPLICATED_MAP entries, or null
     * @param executor  runs the structures' blocking calls
     * @param stale     counts records a version guard skipped
     * @param keyWriters the task's pool for the compare-and-set of merging and version-guarded writes
     * @param members   whether the members update IMAP device state themselves
     */
    public static StructureWriter create(HazelcastInstance client, StoreTarget target, Duration ttl, int batchSize,
                                         Executor executor, LongConsumer stale, Executor keyWriters,
                                         MemberModule members) {
        StructureWriter writer = plain(client, target, ttl, batchSize, executor, stale, keyWriters, members);
        if (!target.sqlMapping()) {
            return writer;
        }
        SqlMapping mapping = new SqlMapping(client, target.name(), target.compactType());
        return new StructureWriter() {
            @Override
            public CompletionStage<Void> write(List<WriteEntry> batch, Fence fence) {
                return CompletableFuture.supplyAsync(() -> {
                    fence.check();
                    return mapping.ensure(batch); // Compact values brought to their columns' kinds
                }, executor).thenCompose(fitted -> writeFitted(writer, fitted, fence));
            }

            @Override
            public void close() {
                writer.close();
            }
        };
    }

    /** Writes the entries that fit their columns; those that do not are bad data, told once the rest is written. */
    private static CompletionStage<Void> writeFitted(StructureWriter writer, SqlMapping.Fitted fitted, Fence fence) {
        CompletionStage<Void> written = fitted.batch().isEmpty() ? CompletableFuture.completedFuture(null)
                : writer.write(fitted.batch(), fence);
        if (fitted.refused().isEmpty()) {
            return written;
        }
        return written.thenRun(() -> {
            throw new BadEntriesException(fitted.refused());
        });
    }

    private static StructureWriter plain(HazelcastInstance client, StoreTarget target, Duration ttl, int batchSize,
                                         Executor executor, LongConsumer stale, Executor keyWriters,
                                         MemberModule members) {
        String name = target.name();
        if (target.guarded()) {
            StateValues values = StateValuesFor.target(target);
            if (target.type() == StoreType.ICACHE) {
                return new StateWriter(cacheOps(client, name, ttl), values, target.merge(), target.versionField(),
                        executor, stale, keyWriters, STATE_PARALLELISM);
            }
            IMap<Object, Object> map = client.getMap(name);
            StateWriter clientSide = new StateWriter(mapOps(map, ttl), values, target.merge(), target.versionField(),
                    executor, stale, keyWriters, STATE_PARALLELISM);
            return new MemberStateWriter(map, client.getPartitionService(), values, target.merge(),
                    target.versionField(), ttl, executor, stale, members, clientSide);
        }
        return switch (target.type()) {
            case RING_BUFFER -> new RingbufferWriter(client.getRingbuffer(name), target.overflow(), batchSize, executor);
            case RELIABLE_TOPIC -> new ReliableTopicWriter(client.getReliableTopic(name), batchSize, executor);
            case QUEUE -> new CollectionWriter(client.getQueue(name), target.describe(), executor, batchSize);
            case LIST -> new CollectionWriter(client.getList(name), target.describe(), executor, batchSize);
            case SET -> new CollectionWriter(client.getSet(name), target.describe(), executor, batchSize);
            case IMAP -> new MapWriter(client.getMap(name), ttl, batchSize);
            case MULTI_MAP -> new MultiMapWriter(client.getMultiMap(name), executor, batchSize);
            case REPLICATED_MAP -> new KeyValueWriter(replicatedMap(client.getReplicatedMap(name)), ttl, executor, batchSize);
            case ICACHE -> new KeyValueWriter(cache(client, name), ttl, executor, batchSize);
        };
    }

    private static KeyValueWriter.Operations replicatedMap(ReplicatedMap<Object, Object> map) {
        return new KeyValueWriter.Operations() {
            @Override
            public void putAll(Map<Object, Object> entries, Duration ttl) {
                if (ttl == null) {
                    map.putAll(entries);
                } else {
                    entries.forEach((k, v) -> map.put(k, v, ttl.toMillis(), TimeUnit.MILLISECONDS));
                }
            }

            @Override
            public void remove(Object key) {
                map.remove(key);
            }
        };
    }

    /**
     * The JCache cache of that name through this task's client, created with default settings when the cluster
     * has none. The provider is the task's own: JCache's shared one keeps one cache manager per class loader and
     * URI, bound to the first client that asked, so a second task in the worker would write through the first
     * task's client and fail once that task stopped.
     */
    private static KeyValueWriter.Operations cache(HazelcastInstance client, String name) {
        OpenCache open = openCache(client, name);
        ICache<Object, Object> icache = open.cache();
        CachingProvider provider = open.provider();
        return new KeyValueWriter.Operations() {
            @Override
            public void putAll(Map<Object, Object> entries, Duration ttl) {
                if (ttl == null) {
                    icache.putAll(entries);
                } else {
                    ExpiryPolicy expiry = new CreatedExpiryPolicy(
                            new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, ttl.toMillis()));
                    icache.putAll(entries, expiry);
                }
            }

            @Override
            public void remove(Object key) {
                icache.remove(key);
            }

            @Override
            public void close() {
                provider.close();
            }
        };
    }

    /** A cache and the task's own provider that opened it (closed with the writer). */
    private record OpenCache(ICache<Object, Object> cache, CachingProvider provider) {
    }

    private static OpenCache openCache(HazelcastInstance client, String name) {
        CachingProvider provider = new HazelcastClientCachingProvider();
        // The provider's own defaults keep the cache's full name "/hz/<name>", as every other JCache user sees it.
        try {
            CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader(),
                    HazelcastCachingProvider.propertiesByInstanceItself(client));
            Cache<Object, Object> existing = manager.getCache(name);
            Cache<Object, Object> cache = existing != null ? existing : manager.createCache(name, new CacheConfig<>());
            @SuppressWarnings("unchecked")
            ICache<Object, Object> icache = cache.unwrap(ICache.class);
            return new OpenCache(icache, provider);
        } catch (RuntimeException e) {
            provider.close(); // the writer is made again at the next write (the cluster may be away)
            throw e;
        }
    }

    /** IMap compare-and-set; with a TTL, a replaced entry gets the TTL again (replace keeps the old one). */
    private static StateWriter.AtomicOps mapOps(IMap<Object, Object> map, Duration ttl) {
        return new StateWriter.AtomicOps() {
            @Override
            public Map<Object, Object> getAll(Set<Object> keys) {
                return map.getAll(keys);
            }

            @Override
            public boolean insert(Object key, Object value) {
                return (ttl == null ? map.putIfAbsent(key, value)
                        : map.putIfAbsent(key, value, ttl.toMillis(), TimeUnit.MILLISECONDS)) == null;
            }

            @Override
            public boolean replace(Object key, Object expected, Object value) {
                boolean replaced = map.replace(key, expected, value);
                if (replaced && ttl != null) {
                    map.setTtl(key, ttl.toMillis(), TimeUnit.MILLISECONDS);
                }
                return replaced;
            }

            @Override
            public void delete(Object key) {
                map.delete(key);
            }
        };
    }

    private static StateWriter.AtomicOps cacheOps(HazelcastInstance client, String name, Duration ttl) {
        OpenCache open = openCache(client, name);
        ICache<Object, Object> cache = open.cache();
        ExpiryPolicy expiry = ttl == null ? null : new CreatedExpiryPolicy(
                new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, ttl.toMillis()));
        return new StateWriter.AtomicOps() {
            @Override
            public Map<Object, Object> getAll(Set<Object> keys) {
                return cache.getAll(keys);
            }

            @Override
            public boolean insert(Object key, Object value) {
                return expiry == null ? cache.putIfAbsent(key, value) : cache.putIfAbsent(key, value, expiry);
            }

            @Override
            public boolean replace(Object key, Object expected, Object value) {
                return expiry == null ? cache.replace(key, expected, value) : cache.replace(key, expected, value, expiry);
            }

            @Override
            public void delete(Object key) {
                cache.remove(key);
            }

            @Override
            public void close() {
                open.provider().close();
            }
        };
    }
}
