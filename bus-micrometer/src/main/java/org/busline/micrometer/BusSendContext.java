package org.busline.micrometer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.busline.Envelope;

/**
 * The context of a {@code send {topic}} observation: one message entering the bus, by publish, send or request.
 *
 * <p>The carrier is a fresh map of the headers that tracing handlers (such as Micrometer Tracing's
 * {@code PropagatingSenderTracingObservationHandler}) inject while the observation starts, W3C {@code traceparent}
 * and {@code tracestate} above all; the bus then publishes the envelope with those headers added. Made on the
 * publisher's thread and used on it only, so not thread-safe.
 */
public final class BusSendContext extends SenderContext<Map<String, String>> {
    private final Envelope<?> envelope;
    private final String busName;
    private final String operationName;

    /**
     * Makes the context of one message's send.
     *
     * @param envelope      the message as the publisher gave it; not null
     * @param busName       the bus's name; not null
     * @param operationName what the publisher called: {@code publish}, {@code send} or {@code request}; not null
     */
    public BusSendContext(Envelope<?> envelope, String busName, String operationName) {
        super((carrier, key, value) -> carrier.put(key, value), Kind.PRODUCER);
        this.envelope = Objects.requireNonNull(envelope, "envelope");
        this.busName = Objects.requireNonNull(busName, "busName");
        this.operationName = Objects.requireNonNull(operationName, "operationName");
        setCarrier(new LinkedHashMap<>(4));
        setRemoteServiceName("busline");
    }

    /**
     * Returns the message being sent, without the headers injected by this observation.
     *
     * @return the envelope, never null
     */
    public Envelope<?> envelope() {
        return envelope;
    }

    /**
     * Returns the name of the bus the message enters.
     *
     * @return the bus's name, never null
     */
    public String busName() {
        return busName;
    }

    /**
     * Returns the operation, as the {@code messaging.operation.name} key shows it.
     *
     * @return {@code publish}, {@code send} or {@code request}
     */
    public String operationName() {
        return operationName;
    }
}
