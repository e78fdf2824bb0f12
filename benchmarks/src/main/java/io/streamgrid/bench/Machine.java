package io.streamgrid.bench;

import com.hazelcast.instance.BuildInfoProvider;
import org.apache.kafka.common.utils.AppInfoParser;

/** What the figures were measured on, printed above them. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        Runtime runtime = Runtime.getRuntime();
        return String.format("cores %d, max heap %d MiB, JDK %s (%s), %s %s; Kafka %s, Hazelcast %s",
                runtime.availableProcessors(), runtime.maxMemory() >> 20, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"),
                AppInfoParser.getVersion(), BuildInfoProvider.getBuildInfo().getVersion());
    }
}
