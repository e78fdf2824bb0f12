package io.streamgrid.hazelcast.member;

import java.math.BigDecimal;

/**
 * What one record asks of a guarded map entry: its fields (as a document of the statement's {@link StateForm})
 * and, when the statement has a version guard, its version.
 */
public record StateUpdate(Object document, BigDecimal version) {
}
