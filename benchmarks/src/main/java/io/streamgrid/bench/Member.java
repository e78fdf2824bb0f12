package io.streamgrid.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/** A Hazelcast member in this JVM, alone on 127.0.0.1, whose ringbuffers hold a whole run. */
final class Member {

    static final String CLUSTER = "bench";

    private Member() {
    }

    static HazelcastInstance start(int port, int ringbufferCapacity) {
        Config config = new Config();
        config.setClusterName(CLUSTER);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getRingbufferConfig("default").setCapacity(ringbufferCapacity);
        config.getRingbufferConfig("_hz_rb_*").setCapacity(ringbufferCapacity);
        config.getJetConfig().setEnabled(true); // case 2b runs a Jet job; idle, the engine's threads park
        return Hazelcast.newHazelcastInstance(config);
    }
}
