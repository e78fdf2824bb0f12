package io.streamgrid.simulators;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.EmptyMessage;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;

/**
 * A fleet of observable CoAP devices, each a server on its own UDP port with the same resources
 * {@code sensors/r0} ... {@code sensors/r<k-1>} (JSON readings {@code {"device":"dev-3","resource":"r1","n":12}}). A
 * GET with Observe 0 registers its sender, who then gets a NON notification on every change; Observe 1, or a reset of
 * a notification, ends that. All devices share one thread for their sockets ({@link FleetSockets}) and one timer.
 */
public final class ObservableFleet implements AutoCloseable {

    private static final long MAX_AGE_SECONDS = 600;

    private record Relation(InetSocketAddress observer, Token token) {
    }

    /** A device's observers per resource; its methods run on the sockets' or the timer's thread. */
    private final class Device {
        final int index;
        final String id;
        final Map<String, List<Relation>> observers = new HashMap<>();
        final Map<Integer, Relation> byNotification = new HashMap<>();
        int nextMid = ThreadLocalRandom.current().nextInt(65536);
        int observe;
        long n;

        Device(int index) {
            this.index = index;
            this.id = "dev-" + index;
        }

        synchronized void received(Message message, InetSocketAddress from) {
            if (message instanceof EmptyMessage empty) {
                if (empty.getType() == CoAP.Type.RST) {
                    Relation gone = byNotification.remove(empty.getMID());
                    if (gone != null) {
                        observers.values().forEach(relations -> relations.remove(gone));
                    }
                }
                return;
            }
            if (!(message instanceof Request request)) {
                return;
            }
            String path = request.getOptions().getUriPathString();
            Response response;
            if (request.getCode() != CoAP.Code.GET) {
                response = new Response(CoAP.ResponseCode.METHOD_NOT_ALLOWED);
            } else if (!resources.contains(path)) {
                response = new Response(CoAP.ResponseCode.NOT_FOUND);
            } else {
                List<Relation> relations = observers.computeIfAbsent(path, p -> new ArrayList<>());
                Relation relation = new Relation(from, request.getToken());
                relations.removeIf(r -> r.observer().equals(from) && r.token().equals(request.getToken()));
                response = reading(path);
                if (request.getOptions().hasObserve() && request.getOptions().getObserve() == 0) {
                    relations.add(relation);
                    response.getOptions().setObserve(nextObserve());
                }
            }
            response.setType(request.isConfirmable() ? CoAP.Type.ACK : CoAP.Type.NON);
            response.setMID(request.isConfirmable() ? request.getMID() : nextMid());
            response.setToken(request.getToken());
            gets.incrementAndGet();
            sockets.send(index, new UdpDataSerializer().getByteArray(response), from);
        }

        private Response reading(String path) {
            Response response = new Response(CoAP.ResponseCode.CONTENT);
            response.setPayload(String.format(Locale.ROOT, "{\"device\":\"%s\",\"resource\":\"%s\",\"n\":%d}", id,
                    path.substring(path.lastIndexOf('/') + 1), n).getBytes(StandardCharsets.UTF_8));
            response.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON).setMaxAge(MAX_AGE_SECONDS);
            return response;
        }

        private int nextObserve() {
            observe = (observe + 1) & 0xffffff;
            return observe;
        }

        private int nextMid() {
            nextMid = (nextMid + 1) & 0xffff;
            return nextMid;
        }

        /** Notifies every observer of every resource of a new reading. */
        synchronized void publish() {
            n++;
            for (Map.Entry<String, List<Relation>> resource : observers.entrySet()) {
                for (Relation relation : resource.getValue()) {
                    Response notification = reading(resource.getKey());
                    notification.setType(CoAP.Type.NON);
                    int mid = nextMid();
                    notification.setMID(mid);
                    notification.setToken(relation.token());
                    notification.getOptions().setObserve(nextObserve());
                    byNotification.put(mid, relation);
                    if (byNotification.size() > 4 * resources.size()) {
                        byNotification.keySet().removeIf(m -> ((nextMid - m) & 0xffff) > 2 * resources.size());
                    }
                    notifications.incrementAndGet();
                    sockets.send(index, new UdpDataSerializer().getByteArray(notification), relation.observer());
                }
            }
        }

        synchronized int relations() {
            return observers.values().stream().mapToInt(List::size).sum();
        }
    }

    private final List<String> resources = new ArrayList<>();
    private final Device[] devices;
    private final FleetSockets sockets;
    private final ScheduledExecutorService timer;
    private final UdpDataParser parser = new UdpDataParser();
    private final AtomicLong notifications = new AtomicLong();
    private final AtomicLong gets = new AtomicLong();

    /** {@code devices} devices on {@code host}, each with {@code resources} observable resources. */
    public ObservableFleet(String host, int devices, int resources) {
        for (int r = 0; r < resources; r++) {
            this.resources.add("sensors/r" + r);
        }
        this.devices = new Device[devices];
        for (int i = 0; i < devices; i++) {
            this.devices[i] = new Device(i);
        }
        this.sockets = new FleetSockets(host, devices, this::received, "coap-observable-fleet-sockets");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "coap-observable-fleet-timer");
            thread.setDaemon(true);
            return thread;
        });
    }

    private void received(int device, byte[] datagram, InetSocketAddress from) {
        Message message;
        try {
            message = parser.parseMessage(datagram);
        } catch (RuntimeException e) {
            return;
        }
        devices[device].received(message, from);
    }

    /** The devices' URIs, coap://host:port, in order. */
    public List<String> uris(String host) {
        List<String> uris = new ArrayList<>(devices.length);
        for (int i = 0; i < devices.length; i++) {
            uris.add("coap://" + host + ":" + sockets.port(i));
        }
        return uris;
    }

    /** The resource paths every device has. */
    public List<String> resources() {
        return List.copyOf(resources);
    }

    /** Every device notifies its observers of a new reading of each resource now. */
    public void publishAll() {
        for (Device device : devices) {
            device.publish();
        }
    }

    /** Every device publishes every {@code periodMs}, the fleet spread evenly over the period. */
    public void start(long periodMs) {
        for (Device device : devices) {
            timer.scheduleAtFixedRate(device::publish, periodMs * device.index / devices.length, periodMs,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Observe relations the fleet holds. */
    public int relations() {
        int sum = 0;
        for (Device device : devices) {
            sum += device.relations();
        }
        return sum;
    }

    public long notifications() {
        return notifications.get();
    }

    /** Requests answered (registrations, polls). */
    public long requests() {
        return gets.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        sockets.close();
    }
}
