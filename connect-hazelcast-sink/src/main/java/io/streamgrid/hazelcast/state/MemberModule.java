package io.streamgrid.hazelcast.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import io.streamgrid.hazelcast.HazelcastSinkConfig;
import io.streamgrid.hazelcast.member.MemberProbe;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the members have the member module (streamgrid-hazelcast-member on their class path), so that device state
 * is updated there by entry processors. Asked of the cluster at the first state write and again after each
 * reconnection of the client (the members may have been replaced), and after a write a member could not read.
 * <p>
 * The question is a {@link MemberProbe} run over the partitions of an empty map, {@value #PROBE_MAP}: every member
 * owning partitions must read the processor, and one without the module fails the call.
 */
public final class MemberModule {

    /** The empty map the probe runs over; it holds nothing, ever. */
    public static final String PROBE_MAP = "__streamgrid.member-probe";
    private static final Logger LOG = LoggerFactory.getLogger(MemberModule.class);

    /** connect.hazelcast.state.mode. */
    public enum Mode { AUTO, MEMBER, CLIENT }

    private final Mode mode;
    private final Supplier<HazelcastInstance> client;
    private final LongSupplier connections;
    private long askedAt = -1;
    private boolean present;

    /**
     * @param client      the task's current client
     * @param connections counts the client's connections to the cluster (it moves on at each reconnection)
     */
    public MemberModule(Mode mode, Supplier<HazelcastInstance> client, LongSupplier connections) {
        this.mode = mode;
        this.client = client;
        this.connections = connections;
    }

    /**
     * Whether state writes go to the members now; asks them when not yet asked since the client's last connection.
     *
     * @throws IllegalStateException in mode member, when a member lacks the module
     * @throws RuntimeException      the client's failure when the cluster could not be asked (the batch is retried)
     */
    public synchronized boolean inUse() {
        if (mode == Mode.CLIENT) {
            return false;
        }
        long connection = connections.getAsLong();
        if (connection != askedAt) {
            present = ask();
            askedAt = connection;
            if (present) {
                LOG.info("The Hazelcast members have streamgrid-hazelcast-member: device state is merged and "
                        + "version-guarded on the members");
            } else {
                LOG.info("A Hazelcast member lacks streamgrid-hazelcast-member on its class path: device state is "
                        + "merged and version-guarded by the client's compare-and-set ({}={})",
                        HazelcastSinkConfig.STATE_MODE_CONFIG, mode.name().toLowerCase(Locale.ROOT));
            }
        }
        if (!present && mode == Mode.MEMBER) {
            throw new IllegalStateException(HazelcastSinkConfig.STATE_MODE_CONFIG + " is member, but a Hazelcast "
                    + "member lacks streamgrid-hazelcast-member on its class path (the sink plugin's member/ folder); "
                    + "add the jar to every member, or set " + HazelcastSinkConfig.STATE_MODE_CONFIG + " to auto");
        }
        return present;
    }

    /** Asks the members again before the next write (one could not read a processor). */
    public synchronized void forget() {
        askedAt = -1;
    }

    private boolean ask() {
        try {
            client.get().getMap(PROBE_MAP).executeOnEntries(new MemberProbe());
            return true;
        } catch (HazelcastSerializationException lacking) {
            LOG.debug("The member module probe failed to be read: {}", lacking.toString());
            return false;
        }
    }

    /** Whether a write failed because a member could not read its entry processor. */
    public static boolean unreadByAMember(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HazelcastSerializationException) {
                return true;
            }
        }
        return false;
    }
}
