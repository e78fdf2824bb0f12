package io.streamgrid.hazelcast.source;

import com.hazelcast.config.Config;
import io.streamgrid.hazelcast.HazelcastMembers;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real member for a test class (registered as a static extension) and a fresh {@link SourceHarness} for each
 * test, whose tasks are stopped after it.
 */
final class SourceMember implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final UnaryOperator<Config> configure;
    private HazelcastMembers members;
    private SourceHarness harness;

    SourceMember(UnaryOperator<Config> configure) {
        this.configure = configure;
    }

    HazelcastMembers members() {
        return members;
    }

    SourceHarness harness() {
        return harness;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        members = new HazelcastMembers(1, configure);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        members.close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        harness = new SourceHarness(members);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        harness.close();
    }
}
