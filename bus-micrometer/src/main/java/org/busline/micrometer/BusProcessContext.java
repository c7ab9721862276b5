package org.busline.micrometer;

import java.util.Objects;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.busline.Envelope;
import org.busline.RetryPolicy;

/**
 * The context of a {@code process {topic}} observation: one attempt of one subscription's handler (or responder) at
 * one message, on whichever thread runs it.
 *
 * <p>The carrier is the envelope, whose headers tracing handlers (such as Micrometer Tracing's
 * {@code PropagatingReceiverTracingObservationHandler}) read the W3C trace context from, so the process span is a
 * child of the send span even on another thread or after a serialized hop. Used on the handler's thread only.
 */
public final class BusProcessContext extends ReceiverContext<Envelope<?>> {
    private final String busName;
    private final String subscription;

    /**
     * Makes the context of one delivery attempt.
     *
     * @param envelope     the message as the handler sees it; not null
     * @param busName      the bus's name; not null
     * @param subscription the subscription's (or responder's) name; not null
     */
    public BusProcessContext(Envelope<?> envelope, String busName, String subscription) {
        super(Envelope::header, Kind.CONSUMER);
        setCarrier(Objects.requireNonNull(envelope, "envelope"));
        this.busName = Objects.requireNonNull(busName, "busName");
        this.subscription = Objects.requireNonNull(subscription, "subscription");
        setRemoteServiceName("busline");
    }

    /**
     * Returns the message being handled.
     *
     * @return the envelope, never null
     */
    public Envelope<?> envelope() {
        return getCarrier();
    }

    /**
     * Returns the name of the bus that delivers the message.
     *
     * @return the bus's name, never null
     */
    public String busName() {
        return busName;
    }

    /**
     * Returns the name of the subscription or responder whose handler runs.
     *
     * @return the subscription's name, never null
     */
    public String subscription() {
        return subscription;
    }

    /**
     * Returns which attempt of the handler this is, from the {@value RetryPolicy#ATTEMPT_HEADER} header.
     *
     * @return 1 for the first attempt (also when the subscription does not retry), 2 for the first retry, …
     */
    public int attempt() {
        String attempt = getCarrier().header(RetryPolicy.ATTEMPT_HEADER);
        if (attempt == null) {
            return 1;
        }
        try {
            return Integer.parseInt(attempt);
        } catch (NumberFormatException notANumber) {
            return 1;
        }
    }
}
