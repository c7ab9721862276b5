package org.busline.kafka.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.kafka.KafkaHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder's side of request/reply across Kafka: what a lane of a responder route does with a decoded request.
 *
 * <p>Design note: the request is asked of the local bus with {@link MessageBus#requestEnvelope}, with the time the
 * requester has left, so the local responder sees the remote request's id and correlation id (what it publishes
 * carries them) and the reply's envelope has the request's correlation id and the request's id as causation id. The
 * reply, or the failure's {@link RequestException.Reason} and message, is produced to the requester's reply topic,
 * naming this service (the route's consumer group) in {@link KafkaHeaders#REPLIER}, so that a scatter-gather counts
 * each service once;
 * the request's record is finished (and committed) once the broker acknowledged the reply. A request that arrives
 * after its deadline is skipped: nobody waits for its answer.
 *
 * @param <Q> the type of requests
 * @param <R> the type of replies
 */
public final class ResponderStep<Q, R> implements InboundConsumer.LocalStep<Q> {
    private static final Logger log = LoggerFactory.getLogger(ResponderStep.class);

    private final MessageBus bus;
    private final Class<R> replyType;
    private final CloudEventsCodec codec;
    private final Producer<byte[], byte[]> producer;
    private final Duration defaultTimeout;
    private final byte[] replier;

    /**
     * Makes the step.
     *
     * @param bus            the local bus
     * @param replyType      the class of replies
     * @param codec          the codec
     * @param producer       the shared producer
     * @param defaultTimeout the local deadline of a request that carries none
     * @param service        the name this service answers under: its responder route's consumer group
     */
    public ResponderStep(MessageBus bus, Class<R> replyType, CloudEventsCodec codec, Producer<byte[], byte[]> producer,
                         Duration defaultTimeout, String service) {
        this.bus = bus;
        this.replyType = replyType;
        this.codec = codec;
        this.producer = producer;
        this.defaultTimeout = defaultTimeout;
        this.replier = CloudEventsCodec.bytes(service);
    }

    @Override
    public CompletionStage<?> start(Envelope<Q> request, ConsumerRecord<byte[], byte[]> record) {
        String replyTo = CloudEventsCodec.text(record.headers(), KafkaHeaders.REPLY_TO);
        if (replyTo == null) {
            throw new IllegalArgumentException("request record " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " has no " + KafkaHeaders.REPLY_TO + " header");
        }
        String deadlineHeader = CloudEventsCodec.text(record.headers(), KafkaHeaders.DEADLINE);
        long left = defaultTimeout.toMillis();
        if (deadlineHeader != null) {
            try {
                left = Long.parseLong(deadlineHeader) - System.currentTimeMillis();
            } catch (NumberFormatException malformed) {
                throw new IllegalArgumentException("request record has a malformed " + KafkaHeaders.DEADLINE
                        + " header: '" + deadlineHeader + "'", malformed);
            }
        }
        if (left <= 0) {
            log.debug("request {} on '{}' arrived {} ms after its deadline; skipped", request.id(), record.topic(),
                    -left);
            return CompletableFuture.completedFuture(null);
        }
        return bus.requestEnvelope(request, replyType, Duration.ofMillis(left))
                .handle((reply, failure) -> reply != null ? replyRecord(replyTo, reply) : failure(replyTo, failure))
                .thenCompose(reply -> {
                    reply.headers().add(KafkaHeaders.REPLY_FOR, CloudEventsCodec.bytes(request.id()));
                    reply.headers().add(KafkaHeaders.REPLIER, replier);
                    CompletableFuture<Void> sent = new CompletableFuture<>();
                    producer.send(reply, (metadata, refused) -> {
                        if (refused != null) {
                            log.error("could not send the reply to request {} to '{}'; its requester will time out: "
                                    + "{}", request.id(), replyTo, refused.toString());
                        }
                        sent.complete(null);
                    });
                    return sent;
                });
    }

    /** The reply's record; a reply that cannot be encoded is answered as the responder's failure, at once. */
    private ProducerRecord<byte[], byte[]> replyRecord(String replyTo, Envelope<?> reply) {
        try {
            return codec.toRecord(replyTo, null, reply);
        } catch (RuntimeException unencodable) {
            log.warn("the reply to request on '{}' cannot be encoded; its requester is told so: {}", replyTo,
                    unencodable.toString());
            return failure(replyTo, new RequestException(RequestException.Reason.BAD_REPLY, reply.topic().name(),
                    "the remote responder's reply cannot be encoded: " + unencodable.getMessage(), unencodable));
        }
    }

    private static ProducerRecord<byte[], byte[]> failure(String replyTo, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        RequestException.Reason reason = cause instanceof RequestException request ? request.reason()
                : RequestException.Reason.RESPONDER_FAILED;
        RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaHeaders.REPLY_ERROR, CloudEventsCodec.bytes(reason.name()));
        headers.add(KafkaHeaders.REPLY_ERROR_MESSAGE, CloudEventsCodec.bytes(String.valueOf(cause.getMessage())));
        return new ProducerRecord<>(replyTo, null, null, null, new byte[0], headers);
    }
}
