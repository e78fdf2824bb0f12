package io.streamgrid.coap;

import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.WebLink;
import org.eclipse.californium.core.coap.LinkFormat;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.ResourceAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a list of links now and then, observes every resource it lists that the statement wants (by rt and if), and
 * stops observing resources that are no longer listed. The list is a server's {@code /.well-known/core} (relative
 * links, observable ones only) or a CoRE Resource Directory's lookup (RFC 9176: absolute links to the resources of
 * the devices registered there, of the servers this task owns). The request goes out without waiting: a server that
 * does not answer holds no thread, and each answer is applied in the watch's own lane.
 */
final class DiscoveredResources implements ResourceWatch {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveredResources.class);

    private final Context context;
    private final CoapStatement statement;
    private final CoapUri lookup;
    private final boolean directory;
    private final Predicate<CoapUri> owns;
    private final CoapClient client;
    private final SerialLane lane;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    /** Changed in the lane only; concurrent so that tests may look. */
    private final Map<String, ObservedResource> observed = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> schedule;
    private volatile boolean stopped;

    /** Discovery at a server's {@code /.well-known/core}. */
    static DiscoveredResources wellKnownCore(Context context, CoapStatement statement, CoapUri server) {
        return new DiscoveredResources(context, statement, server.resource(CoapStatement.DISCOVERY_PATH), false,
                uri -> true);
    }

    /** Discovery through a Resource Directory's lookup; {@code owns} picks the servers this task observes. */
    static DiscoveredResources directory(Context context, CoapStatement statement, CoapUri lookup,
                                         Predicate<CoapUri> owns) {
        return new DiscoveredResources(context, statement, lookup, true, owns);
    }

    private DiscoveredResources(Context context, CoapStatement statement, CoapUri lookup, boolean directory,
                                Predicate<CoapUri> owns) {
        this.context = context;
        this.statement = statement;
        this.lookup = lookup;
        this.directory = directory;
        this.owns = owns;
        this.client = context.client(lookup);
        this.lane = context.lane();
    }

    @Override
    public void start() {
        schedule = context.scheduler().scheduleWithFixedDelay(Guarded.guard("Discovery at " + lookup,
                context.warnings(), this::discover), 0, statement.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void discover() {
        if (stopped || !inFlight.compareAndSet(false, true)) {
            return; // the previous lookup is still on its way (it times out after the request timeout)
        }
        try {
            client.get(new CoapHandler() {
                @Override
                public void onLoad(CoapResponse response) {
                    inFlight.set(false);
                    if (!response.isSuccess()) {
                        warn("it answered " + response.getCode() + " " + response.getCode().name());
                        return;
                    }
                    String links = response.getResponseText();
                    post(() -> apply(LinkFormat.parse(links)));
                }

                @Override
                public void onError() {
                    inFlight.set(false);
                    warn("no answer");
                }
            }, MediaTypeRegistry.APPLICATION_LINK_FORMAT);
        } catch (RuntimeException e) {
            inFlight.set(false);
            throw e;
        }
    }

    private void warn(String why) {
        if (!stopped && context.warnings().allow(lookup + " discovery")) {
            LOG.warn("Discovery at {} failed ({}); trying again in {} ms", lookup, why, statement.interval().toMillis());
        }
    }

    private void post(Runnable step) {
        try {
            lane.execute(Guarded.guard("Discovery at " + lookup, context.warnings(), step));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopped
        }
    }

    /** Runs in the lane: starts what is newly listed, stops what is no longer. */
    private void apply(Set<WebLink> links) {
        if (stopped) {
            return;
        }
        Map<String, CoapUri> wanted = new HashMap<>();
        for (WebLink link : links) {
            CoapUri resource = resolve(link);
            ResourceAttributes attributes = link.getAttributes();
            if (resource == null || resource.path() == null || resource.path().startsWith(CoapStatement.DISCOVERY_PATH)
                    || !statement.wants(attributes.getResourceTypes(), attributes.getInterfaceDescriptions(),
                    directory || attributes.hasObservable()) || !owns.test(resource.server())) {
                continue;
            }
            wanted.put(resource.toString(), resource);
        }
        wanted.forEach((uri, resource) -> {
            if (!observed.containsKey(uri)) {
                LOG.info("Discovered {} at {}; observing it", uri, lookup);
                ObservedResource watch = new ObservedResource(context, statement, resource);
                observed.put(uri, watch);
                watch.start();
            }
        });
        Set<String> gone = new HashSet<>(observed.keySet());
        gone.removeAll(wanted.keySet());
        for (String uri : gone) {
            LOG.info("{} is no longer listed at {}; no longer observing it", uri, lookup);
            observed.remove(uri).stopLater();
        }
    }

    /** The resource a link names: relative to the lookup's server, or (from a directory) an absolute URI. */
    private CoapUri resolve(WebLink link) {
        String href = link.getURI();
        try {
            if (CoapUri.isAbsolute(href)) {
                return CoapUri.parse(href);
            }
            String anchor = link.getAttributes().getFirstAttributeValue("anchor");
            if (anchor != null && CoapUri.isAbsolute(anchor)) {
                return CoapUri.parse(URI.create(anchor).resolve(href).toString());
            }
            return lookup.server().resource(href);
        } catch (IllegalArgumentException e) {
            if (context.warnings().allow(lookup + " link")) {
                LOG.warn("Discovery at {} listed '{}', which is no CoAP resource: {}", lookup, href, e.getMessage());
            }
            return null;
        }
    }

    /** The resources observed now, as URIs. */
    Set<String> observedUris() {
        return Set.copyOf(observed.keySet());
    }

    /** The paths observed now (of the one server of a {@code .well-known/core} discovery). */
    Set<String> observedPaths() {
        Set<String> paths = new HashSet<>();
        for (String uri : observedUris()) {
            paths.add(CoapUri.parse(uri).path());
        }
        return paths;
    }

    @Override
    public void stop() {
        stopped = true;
        if (schedule != null) {
            schedule.cancel(false);
        }
        try {
            lane.submit(() -> observed.values().forEach(ObservedResource::stop)).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("Stopping the resources discovered at {} did not finish: {}", lookup, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lane.shutdown();
        client.shutdown();
    }
}
