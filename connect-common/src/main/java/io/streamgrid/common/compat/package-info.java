/**
 * The one place that touches Kafka and Connect APIs newer than the oldest worker we support.
 *
 * <p>StreamGrid compiles against the newest Kafka but runs on every Connect worker from 3.7 on, and a
 * plugin always uses the worker's own Kafka classes. A call to a method the worker lacks fails only when it
 * runs, with {@code NoSuchMethodError} or {@code NoClassDefFoundError}. So the rule is:
 * <ul>
 *   <li>Code outside this package uses only APIs that Kafka 3.7 already has.</li>
 *   <li>A newer API is reached only through {@link io.streamgrid.common.compat.WorkerFeatures}, which checks
 *       the running worker once, uses the API where it exists and falls back cleanly where it does not,
 *       and logs once at INFO which features the worker lacks. The classes that call the newer API are
 *       loaded only when the check says it exists.</li>
 *   <li>Two tests keep it so: {@code OldestWorkerApiIT} reads the byte code of every packaged plugin and
 *       fails on any reference, outside this package, to a Kafka class, method or field that Kafka 3.7 does
 *       not have; {@code CompatibilityMatrixIT} runs every connector on real workers of 3.7, 3.9, 4.0 and the
 *       newest Kafka.</li>
 * </ul>
 * Newer APIs used here: the {@code pluginMetrics} methods of {@code SourceTaskContext} and {@code SinkTaskContext}
 * (Kafka 4.1, KIP-877).
 */
package io.streamgrid.common.compat;
