package io.streamgrid.hazelcast.writer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The asynchronous calls a writer makes at once for a batch (or for one step of it), each only while the batch's
 * {@link Fence} is open. They have ended only when every call made has ended: a pipe must never take a batch for
 * finished while one of its calls is still on its way. A call the fence refused, or one that could not be made (the
 * client threw at once), fails them, and no call is made after it.
 */
public final class CallsAtOnce {

    private final Fence fence;
    private final List<CompletableFuture<?>> made = new ArrayList<>();
    private RuntimeException notMade;

    public CallsAtOnce(Fence fence) {
        this.fence = fence;
    }

    public void make(Supplier<? extends CompletionStage<?>> call) {
        if (notMade != null) {
            return;
        }
        try {
            fence.check();
            made.add(HazelcastCalls.answered(call.get()));
        } catch (RuntimeException e) {
            notMade = e;
        }
    }

    /** Completes once every call made has ended: normally when all succeeded and none was left unmade. */
    public CompletableFuture<Void> ended() {
        CompletableFuture<Void> all = CompletableFuture.allOf(made.toArray(CompletableFuture[]::new));
        if (notMade == null) {
            return all;
        }
        RuntimeException failure = notMade;
        return all.handle((ok, failed) -> {
            throw failure;
        });
    }
}
