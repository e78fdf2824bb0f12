package io.streamgrid.coap.server;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The requests a task has taken and not yet answered, in its queue or polled and waiting for Kafka: at most
 * {@code maxRequests} of them and {@code maxBytes} of payload (one larger request still passes, alone), so what
 * devices send cannot fill the worker's heap whatever the worker's pace. Californium's threads add, the task's
 * threads and Kafka's producer thread remove; the check and the add are one step.
 */
final class Unanswered {

    /** Why a request was not taken. */
    enum Full { REQUESTS, BYTES }

    private final int maxRequests;
    private final long maxBytes;
    private final Set<PendingRequest> requests = new LinkedHashSet<>();
    private long bytes;

    Unanswered(int maxRequests, long maxBytes) {
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
    }

    /** Takes {@code request} if both bounds allow it; else says which bound is reached. */
    synchronized Full tryAdd(PendingRequest request) {
        if (requests.size() >= maxRequests) {
            return Full.REQUESTS;
        }
        if (!requests.isEmpty() && bytes + request.bytes() > maxBytes) {
            return Full.BYTES;
        }
        requests.add(request);
        bytes += request.bytes();
        return null;
    }

    synchronized void remove(PendingRequest request) {
        if (requests.remove(request)) {
            bytes -= request.bytes();
        }
    }

    /** Every request still unanswered, removed (the task stops). */
    synchronized List<PendingRequest> drain() {
        List<PendingRequest> all = new ArrayList<>(requests);
        requests.clear();
        bytes = 0;
        return all;
    }

    synchronized int size() {
        return requests.size();
    }

    synchronized long bytes() {
        return bytes;
    }
}
