/**
 * Observability of a Busline bus on Micrometer: {@code send}/{@code process} observations (spans through Micrometer
 * Tracing), {@code busline.*} meters, and thread-locals (the MDC) carried to asynchronous handlers.
 *
 * <p>The entry point is {@link org.busline.micrometer.BusObservability#builder()}; its
 * {@link org.busline.micrometer.BusObservability#build(org.busline.MessageBus.Builder) build(MessageBus.Builder)}
 * makes the observed bus. {@link org.busline.micrometer.BusSendContext} and
 * {@link org.busline.micrometer.BusProcessContext} are the observations' contexts, for conventions, filters and
 * handlers; {@link org.busline.micrometer.BusTracing} adds span links; {@link org.busline.micrometer.OutboxStats}
 * feeds the outbox gauges.
 */
package org.busline.micrometer;
