package io.streamgrid.coap;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.WebLink;
import org.eclipse.californium.core.server.resources.ResourceAttributes;
import org.eclipse.californium.elements.exception.ConnectorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code /.well-known/core} now and then, observes every observable resource it lists that the
 * statement wants (by rt and if), and stops observing resources that are no longer listed.
 */
final class DiscoveredResources implements ResourceWatch {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveredResources.class);

    private final Context context;
    private final CoapStatement statement;
    private final CoapUri server;
    private final CoapClient client;
    private final Map<String, ObservedResource> observed = new HashMap<>();
    private volatile ScheduledFuture<?> schedule;
    private volatile boolean stopped;

    DiscoveredResources(Context context, CoapStatement statement, CoapUri server) {
        this.context = context;
        this.statement = statement;
        this.server = server;
        this.client = context.client(server.resource(CoapStatement.DISCOVERY_PATH));
    }

    @Override
    public void start() {
        schedule = context.scheduler().scheduleWithFixedDelay(Guarded.guard("Discovery at " + server.base(),
                context.warnings(), this::discover), 0, statement.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void discover() {
        if (stopped) {
            return;
        }
        Set<WebLink> links;
        try {
            client.setURI(server.base());
            links = client.discover();
        } catch (ConnectorException | IOException | RuntimeException e) {
            if (context.warnings().allow(server + " discovery")) {
                LOG.warn("Discovery at {} failed; trying again in {} ms: {}", server.base(),
                        statement.interval().toMillis(), e.toString());
            }
            return;
        }
        if (links == null) {
            if (context.warnings().allow(server + " discovery")) {
                LOG.warn("Discovery at {} got no answer; trying again in {} ms", server.base(),
                        statement.interval().toMillis());
            }
            return;
        }
        Set<String> wanted = new HashSet<>();
        for (WebLink link : links) {
            String path = link.getURI().startsWith("/") ? link.getURI().substring(1) : link.getURI();
            ResourceAttributes attributes = link.getAttributes();
            if (!path.startsWith(CoapStatement.DISCOVERY_PATH) && statement.wants(attributes.getResourceTypes(),
                    attributes.getInterfaceDescriptions(), attributes.hasObservable())) {
                wanted.add(path);
            }
        }
        for (String path : wanted) {
            if (!observed.containsKey(path)) {
                LOG.info("Discovered {} at {}; observing it", path, server.base());
                ObservedResource resource = new ObservedResource(context, statement, server.resource(path));
                observed.put(path, resource);
                resource.start();
            }
        }
        observed.keySet().removeIf(path -> {
            if (wanted.contains(path)) {
                return false;
            }
            LOG.info("{} is no longer listed at {}; no longer observing it", path, server.base());
            observed.get(path).stop();
            return true;
        });
    }

    synchronized Set<String> observedPaths() {
        return Set.copyOf(observed.keySet());
    }

    @Override
    public synchronized void stop() {
        stopped = true;
        if (schedule != null) {
            schedule.cancel(false);
        }
        observed.values().forEach(ObservedResource::stop);
        client.shutdown();
    }
}
