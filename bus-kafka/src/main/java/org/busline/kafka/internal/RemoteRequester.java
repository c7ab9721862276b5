package org.busline.kafka.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.Subscription;
import org.busline.Topic;
import org.busline.kafka.KafkaHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requester's side of request/reply across Kafka: a local responder per request route that produces each request
 * to its Kafka topic, and one listener on this instance's reply topic that completes the waiting futures.
 *
 * <p>Design note. The forwarding responder is asynchronous (its own mailbox on the bridge's executor) and returns a
 * future at once, so no thread waits for a remote reply. The bus hands a responder only the request's payload; to
 * give the remote request the local request's id and correlation id, the responder publishes a tiny probe message on
 * a private topic of this bridge: the bus stamps it, as any message published by a responder, with the request's
 * correlation id and the request's id as causation id, and a synchronous subscriber reads them back on the same
 * thread. (A core hook that hands responders their envelope would remove the probe.) Pending futures live in a map by
 * request id; each is removed exactly once: by its reply, by a failed send, or by the request timeout. The reply
 * listener reads the reply topic without a consumer group, from its end at start, so an instance never sees replies
 * meant for an earlier life of itself.
 */
public final class RemoteRequester {
    private static final Logger log = LoggerFactory.getLogger(RemoteRequester.class);
    private static final ThreadLocal<Envelope<?>> PROBED = new ThreadLocal<>();

    /** The probe's payload. */
    record Probe() {
    }

    private static final Probe PROBE = new Probe();

    private final MessageBus bus;
    private final Producer<byte[], byte[]> producer;
    private final CloudEventsCodec codec;
    private final String replyTopic;
    private final Duration requestTimeout;
    private final ScheduledExecutorService timer;
    private final Executor executor;
    private final KafkaConsumer<byte[], byte[]> replies;
    private final Topic<Probe> probeTopic = Topic.of("busline.kafka.probe." + UUID.randomUUID(), Probe.class);
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Thread listener;
    private volatile boolean running = true;

    /** A request waiting for its reply. */
    private record Pending(CompletableFuture<Object> future, Topic<?> replyTopic, String requestTopic,
                           ScheduledFuture<?> expiry) {
    }

    /**
     * Makes the requester.
     *
     * @param bus            the local bus
     * @param producer       the shared producer
     * @param codec          the codec
     * @param replyTopic     this instance's reply topic
     * @param requestTimeout the longest wait for a reply
     * @param timer          the timer of request timeouts
     * @param executor       where the forwarding responders run
     * @param replySettings  the settings of the reply consumer (no group)
     */
    public RemoteRequester(MessageBus bus, Producer<byte[], byte[]> producer, CloudEventsCodec codec,
                           String replyTopic, Duration requestTimeout, ScheduledExecutorService timer,
                           Executor executor, Map<String, Object> replySettings) {
        this.bus = bus;
        this.producer = producer;
        this.codec = codec;
        this.replyTopic = replyTopic;
        this.requestTimeout = requestTimeout;
        this.timer = timer;
        this.executor = executor;
        this.replies = new KafkaConsumer<>(replySettings);
        Thread thread = new Thread(this::listen, "busline-kafka-replies-" + replyTopic);
        thread.setDaemon(true);
        this.listener = thread;
    }

    /**
     * Positions the reply listener at the end of the reply topic and starts it, then registers the forwarding
     * responders.
     *
     * @param routes the request routes: local topic, reply class, Kafka topic
     */
    public void start(List<org.busline.kafka.RequestRoute<?, ?>> routes) {
        List<TopicPartition> partitions = new ArrayList<>();
        List<PartitionInfo> infos = replies.partitionsFor(replyTopic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("reply topic '" + replyTopic + "' does not exist; create it (one per "
                    + "instance) before starting the bridge");
        }
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(replyTopic, info.partition()));
        }
        replies.assign(partitions);
        replies.seekToEnd(partitions);
        for (TopicPartition partition : partitions) {
            replies.position(partition, Duration.ofSeconds(30));
        }
        listener.start();
        subscriptions.add(bus.subscribeEnvelopes(probeTopic, PROBED::set, Delivery.sync().name("kafka-probe")));
        for (org.busline.kafka.RequestRoute<?, ?> route : routes) {
            forward(route);
        }
    }

    private <Q> void forward(org.busline.kafka.RequestRoute<Q, ?> route) {
        Topic<Q> topic = route.topic();
        Topic<?> replyTopicOfType = Topic.of(route.replyType());
        String kafkaTopic = route.kafkaTopic();
        subscriptions.add(bus.<Q, Object>respondAsync(topic, request -> send(topic, request, replyTopicOfType,
                kafkaTopic), Delivery.async(executor).concurrency(256).capacity(4096)
                .name("kafka-requests:" + kafkaTopic)));
    }

    private <Q> CompletableFuture<Object> send(Topic<Q> topic, Q request, Topic<?> replyType, String kafkaTopic) {
        Envelope<?> probe;
        try {
            bus.publish(probeTopic, PROBE);
            probe = PROBED.get();
        } finally {
            PROBED.remove();
        }
        Envelope<Q> envelope = probe == null ? Envelope.of(topic, request)
                : Envelope.restore(probe.causationId(), topic, request, probe.timestamp(), probe.correlationId(), null,
                        Map.of());
        String id = envelope.id();
        long deadline = System.currentTimeMillis() + requestTimeout.toMillis();
        ProducerRecord<byte[], byte[]> record = codec.toRecord(kafkaTopic, null, envelope);
        record.headers().add(KafkaHeaders.REPLY_TO, CloudEventsCodec.bytes(replyTopic));
        record.headers().add(KafkaHeaders.DEADLINE, CloudEventsCodec.bytes(Long.toString(deadline)));
        CompletableFuture<Object> future = new CompletableFuture<>();
        ScheduledFuture<?> expiry = timer.schedule(() -> fail(id, RequestException.Reason.TIMEOUT,
                "no reply came on '" + replyTopic + "' within the bridge's request timeout of " + requestTimeout,
                null), requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        pending.put(id, new Pending(future, replyType, topic.name(), expiry));
        producer.send(record, (metadata, failure) -> {
            if (failure != null) {
                fail(id, RequestException.Reason.REJECTED, "Kafka refused the request for '" + kafkaTopic + "': "
                        + failure, failure);
            }
        });
        return future;
    }

    private void fail(String id, RequestException.Reason reason, String message, Throwable cause) {
        Pending waiting = pending.remove(id);
        if (waiting != null) {
            waiting.expiry.cancel(false);
            waiting.future.completeExceptionally(new RequestException(reason, waiting.requestTopic, message, cause));
        }
    }

    private void listen() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : replies.poll(Duration.ofMillis(100))) {
                        onReply(record);
                    }
                } catch (WakeupException wakeup) {
                    // close() woke the poll
                } catch (RuntimeException failure) {
                    if (!running) {
                        break;
                    }
                    log.error("reply listener of '{}' failed to poll, trying again: {}", replyTopic,
                            failure.toString(), failure);
                }
            }
        } finally {
            replies.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void onReply(ConsumerRecord<byte[], byte[]> record) {
        String forId = CloudEventsCodec.text(record.headers(), KafkaHeaders.REPLY_FOR);
        if (forId == null) {
            log.warn("record {}-{}@{} on reply topic has no {} header; ignored", record.topic(), record.partition(),
                    record.offset(), KafkaHeaders.REPLY_FOR);
            return;
        }
        String error = CloudEventsCodec.text(record.headers(), KafkaHeaders.REPLY_ERROR);
        if (error != null) {
            RequestException.Reason reason;
            try {
                reason = RequestException.Reason.valueOf(error);
            } catch (IllegalArgumentException unknown) {
                reason = RequestException.Reason.RESPONDER_FAILED;
            }
            fail(forId, reason, "the remote bus answered " + error + ": "
                    + CloudEventsCodec.text(record.headers(), KafkaHeaders.REPLY_ERROR_MESSAGE), null);
            return;
        }
        Pending waiting = pending.remove(forId);
        if (waiting == null) {
            log.debug("reply for {} came after its request stopped waiting; dropped", forId);
            return;
        }
        waiting.expiry.cancel(false);
        try {
            waiting.future.complete(codec.fromRecord(record, waiting.replyTopic).payload());
        } catch (RuntimeException undecodable) {
            waiting.future.completeExceptionally(new RequestException(RequestException.Reason.BAD_REPLY,
                    waiting.requestTopic, "the reply cannot be decoded: " + undecodable.getMessage(), undecodable));
        }
    }

    /** Stops forwarding, fails what still waits with {@code BUS_CLOSED}, and stops the listener. */
    public void close() {
        for (Subscription subscription : subscriptions) {
            subscription.close();
        }
        running = false;
        replies.wakeup();
        try {
            listener.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String id : List.copyOf(pending.keySet())) {
            fail(id, RequestException.Reason.BUS_CLOSED, "the Kafka bridge closed before the reply came", null);
        }
    }
}
