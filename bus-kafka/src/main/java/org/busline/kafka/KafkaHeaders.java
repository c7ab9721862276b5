package org.busline.kafka;

/**
 * The Kafka record headers the bridge writes and reads.
 *
 * <p><b>CloudEvents 1.0, Kafka protocol binding, binary mode.</b> Every record the bridge produces carries the
 * event's attributes as headers, so that any Kafka tool or CloudEvents-aware consumer can route and filter without
 * decoding the value: {@value #SPEC_VERSION} ({@code 1.0}), {@value #ID} (the envelope's id), {@value #SOURCE} (the
 * bridge's source), {@value #TYPE} (the payload's logical type name from the {@link org.busline.spi.TypeRegistry},
 * never a class name), {@value #TIME} (the envelope's timestamp, RFC 3339), {@value #CONTENT_TYPE} (the
 * serializer's media type) and the extension attributes {@value #CORRELATION_ID}, {@value #CAUSATION_ID} and
 * {@value #TYPE_VERSION}. The envelope's own headers follow under their own names, so a W3C {@value #TRACEPARENT}
 * (and {@code tracestate}) header travels as the trace-context convention expects. The value is the envelope as the
 * bridge's {@link org.busline.spi.Serializer} writes it; reading, the bridge restores the envelope from it, with its
 * id, timestamp, correlation and causation ids and headers.
 *
 * <p><b>Dead letters.</b> A record the bridge gives up on is produced to the dead-letter topic with its key, value and
 * headers unchanged, plus the {@code busline-dlt-*} headers below.
 *
 * <p><b>Request/reply.</b> A request carries {@value #REPLY_TO} and {@value #DEADLINE}; its reply carries
 * {@value #REPLY_FOR}, {@value #REPLIER} and, for a failed request, {@value #REPLY_ERROR} and {@value #REPLY_ERROR_MESSAGE}.
 */
public final class KafkaHeaders {
    /** {@code ce_specversion}: always {@code 1.0}. */
    public static final String SPEC_VERSION = "ce_specversion";
    /** {@code ce_id}: the envelope's id. */
    public static final String ID = "ce_id";
    /** {@code ce_source}: who produced it, {@link KafkaBridge.Builder#source(String)}. */
    public static final String SOURCE = "ce_source";
    /** {@code ce_type}: the logical type name of the payload. */
    public static final String TYPE = "ce_type";
    /** {@code ce_time}: the envelope's timestamp, RFC 3339. */
    public static final String TIME = "ce_time";
    /** {@code content-type}: the media type of the value. */
    public static final String CONTENT_TYPE = "content-type";
    /**
     * {@code ce_correlationid}: the envelope's correlation id (extension attribute), when it is not the envelope's own
     * id; a record without it is its own correlation, as a message published outside any handler is.
     */
    public static final String CORRELATION_ID = "ce_correlationid";
    /** {@code ce_causationid}: the envelope's causation id, when it has one (extension attribute). */
    public static final String CAUSATION_ID = "ce_causationid";
    /** {@code ce_typeversion}: the schema version of the payload's logical type (extension attribute). */
    public static final String TYPE_VERSION = "ce_typeversion";
    /** {@code traceparent}: the W3C trace context, when the envelope has that header. */
    public static final String TRACEPARENT = "traceparent";

    /** Why the record was dead-lettered: {@code UNDECODABLE} or {@code FAILED}. */
    public static final String DLT_REASON = "busline-dlt-reason";
    /** The class of the error. */
    public static final String DLT_ERROR = "busline-dlt-error";
    /** The error's message (at most 1000 characters). */
    public static final String DLT_ERROR_MESSAGE = "busline-dlt-error-message";
    /** The topic the record was read from. */
    public static final String DLT_ORIGINAL_TOPIC = "busline-dlt-original-topic";
    /** The partition it was read from. */
    public static final String DLT_ORIGINAL_PARTITION = "busline-dlt-original-partition";
    /** Its offset there. */
    public static final String DLT_ORIGINAL_OFFSET = "busline-dlt-original-offset";
    /** The consumer group that read it. */
    public static final String DLT_GROUP = "busline-dlt-group";

    /** On a request: the Kafka topic the reply must go to, the requesting instance's reply topic. */
    public static final String REPLY_TO = "busline-reply-to";
    /** On a request: when the requester stops waiting, in milliseconds since the epoch. */
    public static final String DEADLINE = "busline-deadline";
    /** On a reply: the id of the request it answers. */
    public static final String REPLY_FOR = "busline-reply-for";
    /**
     * On a reply: the answering service, its responder route's consumer group; a scatter-gather gathers the reply
     * under this name.
     */
    public static final String REPLIER = "busline-replier";
    /** On a failed reply: the {@link org.busline.RequestException.Reason} of the remote failure. */
    public static final String REPLY_ERROR = "busline-reply-error";
    /** On a failed reply: the remote failure's message. */
    public static final String REPLY_ERROR_MESSAGE = "busline-reply-error-message";

    private KafkaHeaders() {
    }
}
