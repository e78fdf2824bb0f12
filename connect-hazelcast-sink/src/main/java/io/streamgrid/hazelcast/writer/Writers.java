package io.streamgrid.hazelcast.writer;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.client.cache.HazelcastClientCachingProvider;
import com.hazelcast.config.CacheConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.streamgrid.hazelcast.StoreTarget;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
     * @param ttl       time to live for IMAP, ICACHE and REPLICATED_MAP entries, or null
     * @param executor  runs the structures' blocking calls
     */
    public static StructureWriter create(HazelcastInstance client, StoreTarget target, Duration ttl, int batchSize,
                                         Executor executor) {
        String name = target.name();
        return switch (target.type()) {
            case RING_BUFFER -> new RingbufferWriter(client.getRingbuffer(name), target.overflow(), batchSize);
            case RELIABLE_TOPIC -> new ReliableTopicWriter(client.getReliableTopic(name), batchSize);
            case QUEUE -> new CollectionWriter(client.getQueue(name), target.describe(), executor, batchSize);
            case LIST -> new CollectionWriter(client.getList(name), target.describe(), executor, batchSize);
            case SET -> new CollectionWriter(client.getSet(name), target.describe(), executor, batchSize);
            case IMAP -> new MapWriter(client.getMap(name), ttl);
            case MULTI_MAP -> new MultiMapWriter(client.getMultiMap(name), executor);
            case REPLICATED_MAP -> new KeyValueWriter(replicatedMap(client.getReplicatedMap(name)), ttl, executor);
            case ICACHE -> new KeyValueWriter(cache(client, name), ttl, executor);
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
        CachingProvider provider = new HazelcastClientCachingProvider();
        // The provider's own defaults keep the cache's full name "/hz/<name>", as every other JCache user sees it.
        com.hazelcast.cache.ICache<Object, Object> icache;
        try {
            CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader(),
                    HazelcastCachingProvider.propertiesByInstanceItself(client));
            Cache<Object, Object> existing = manager.getCache(name);
            Cache<Object, Object> cache = existing != null ? existing : manager.createCache(name, new CacheConfig<>());
            icache = cache.unwrap(com.hazelcast.cache.ICache.class);
        } catch (RuntimeException e) {
            provider.close(); // the writer is made again at the next write (the cluster may be away)
            throw e;
        }
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
}
