package org.busline.micrometer.internal;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import java.util.concurrent.CompletionException;
import org.busline.RequestException;
import org.busline.micrometer.BusProcessContext;
import org.busline.micrometer.BusSendContext;

/**
 * The default names and keys of Busline's observations, after the OpenTelemetry messaging conventions: the span name
 * is {@code {operation type} {destination}}; low-cardinality keys are the system, the operation, the destination (the
 * topic's name), the consumer group (the subscription) and the error type; the message and conversation (correlation)
 * ids are high-cardinality. Stateless, so thread-safe.
 */
public final class Conventions {
    /** The observation's name (what a meter derived from it is called). */
    public static final String SEND_NAME = "busline.send";
    /** The observation's name (what a meter derived from it is called). */
    public static final String PROCESS_NAME = "busline.process";

    public static final String SYSTEM = "messaging.system";
    public static final String OPERATION_TYPE = "messaging.operation.type";
    public static final String OPERATION_NAME = "messaging.operation.name";
    public static final String DESTINATION = "messaging.destination.name";
    public static final String CONSUMER_GROUP = "messaging.consumer.group.name";
    public static final String ERROR_TYPE = "error.type";
    public static final String MESSAGE_ID = "messaging.message.id";
    public static final String CONVERSATION_ID = "messaging.message.conversation_id";
    public static final String ATTEMPT = "busline.delivery.attempt";
    public static final String BUS = "busline.bus";

    private static final KeyValue BUSLINE = KeyValue.of(SYSTEM, "busline");
    private static final KeyValue SEND_TYPE = KeyValue.of(OPERATION_TYPE, "send");
    private static final KeyValue PROCESS_TYPE = KeyValue.of(OPERATION_TYPE, "process");
    private static final KeyValue PROCESS_OPERATION = KeyValue.of(OPERATION_NAME, "process");

    private Conventions() {
    }

    /** The default convention of {@code send {topic}}. */
    public static final ObservationConvention<BusSendContext> SEND = new ObservationConvention<>() {
        @Override
        public String getName() {
            return SEND_NAME;
        }

        @Override
        public String getContextualName(BusSendContext context) {
            return "send " + context.envelope().topic().name();
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(BusSendContext context) {
            KeyValues keys = KeyValues.of(BUSLINE, SEND_TYPE, KeyValue.of(OPERATION_NAME, context.operationName()),
                    KeyValue.of(DESTINATION, context.envelope().topic().name()), KeyValue.of(BUS, context.busName()));
            return context.getError() == null ? keys : keys.and(ERROR_TYPE, errorType(context.getError()));
        }

        @Override
        public KeyValues getHighCardinalityKeyValues(BusSendContext context) {
            return KeyValues.of(KeyValue.of(MESSAGE_ID, context.envelope().id()),
                    KeyValue.of(CONVERSATION_ID, context.envelope().correlationId()));
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof BusSendContext;
        }
    };

    /** The default convention of {@code process {topic}}. */
    public static final ObservationConvention<BusProcessContext> PROCESS = new ObservationConvention<>() {
        @Override
        public String getName() {
            return PROCESS_NAME;
        }

        @Override
        public String getContextualName(BusProcessContext context) {
            return "process " + context.envelope().topic().name();
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(BusProcessContext context) {
            KeyValues keys = KeyValues.of(BUSLINE, PROCESS_TYPE, PROCESS_OPERATION,
                    KeyValue.of(DESTINATION, context.envelope().topic().name()),
                    KeyValue.of(CONSUMER_GROUP, context.subscription()), KeyValue.of(BUS, context.busName()));
            return context.getError() == null ? keys : keys.and(ERROR_TYPE, errorType(context.getError()));
        }

        @Override
        public KeyValues getHighCardinalityKeyValues(BusProcessContext context) {
            return KeyValues.of(KeyValue.of(MESSAGE_ID, context.envelope().id()),
                    KeyValue.of(CONVERSATION_ID, context.envelope().correlationId()),
                    KeyValue.of(ATTEMPT, Integer.toString(context.attempt())));
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof BusProcessContext;
        }
    };

    /**
     * The error type as OpenTelemetry names it: the reason of a {@link RequestException} (a low-cardinality code such
     * as {@code TIMEOUT}), else the exception's fully qualified class name.
     */
    public static String errorType(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RequestException) {
            return ((RequestException) cause).reason().name();
        }
        return cause.getClass().getName();
    }
}
