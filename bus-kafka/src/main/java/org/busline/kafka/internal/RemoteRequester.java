package org.busline.kafka.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.busline.FanOutResponder;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.Subscription;
import org.busline.Topic;
import org.busline.kafka.KafkaHeaders;
import org.busline.kafka.RequestRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requester's side of request/reply across Kafka: a local fan-out responder per request route that produces each
 * request to its Kafka topic, and one listener on this instance's reply topic that hands each remote answer over.
 *
 * <p>Design note. The forwarding responder is a {@link FanOutResponder} with its own mailbox on the bridge's
 * executor, and returns at once, so no thread waits for a remote reply. It reads the request's envelope with
 * {@link MessageBus#currentEnvelope()} and produces it as it is (id, correlation and causation ids, headers). Every
 * service whose responder route reads the Kafka topic (each in its consumer group) answers once, naming itself in
 * {@link KafkaHeaders#REPLIER}: a single {@code request} takes the first answer, a {@code requestAll} gathers each
 * service's answer under its name, and completes early once every service the route
 * {@linkplain RequestRoute#expect expects} has answered.
 *
 * <p>Requests waiting for answers live in {@link #pending}, by request id. A request leaves it once nobody waits for
 * it any more ({@link FanOutResponder.Replies#whenFinished}): a single request that got its answer is forgotten at
 * once; any other moves to {@link #finishing} until the bridge's request timeout after it was sent, so that an answer
 * coming meanwhile reaches the bus, which reports it as a late reply; after that, an answer is only logged. The
 * reply listener reads the reply topic without a consumer group, from its end at start, so an instance never sees
 * replies meant for an earlier life of itself.
 */
public final class RemoteRequester {
    private static final Logger log = LoggerFactory.getLogger(RemoteRequester.class);

    private final MessageBus bus;
    private final Producer<byte[], byte[]> producer;
    private final CloudEventsCodec codec;
    private final String replyTopic;
    private final Duration requestTimeout;
    private final ScheduledExecutorService timer;
    private final Executor executor;
    private final KafkaConsumer<byte[], byte[]> replies;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Pending> finishing = new ConcurrentHashMap<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Thread listener;
    private volatile boolean running = true;

    /** A request sent to Kafka, and where its answers go. */
    private static final class Pending {
        final FanOutResponder.Replies<Object> answers;
        final Topic<?> replyType;
        final String requestTopic;
        /** The name the bridge's own failures go under: its responder's subscription. */
        final String name;
        final List<String> expected;
        /** The services heard from; read and written by the reply listener only. */
        final Set<String> heard = new HashSet<>();
        /** True once a single request was answered, so nothing later is worth reporting. */
        volatile boolean answered;
        volatile ScheduledFuture<?> expiry;

        Pending(FanOutResponder.Replies<Object> answers, Topic<?> replyType, String requestTopic, String name,
                List<String> expected) {
            this.answers = answers;
            this.replyType = replyType;
            this.requestTopic = requestTopic;
            this.name = name;
            this.expected = expected;
        }

        void cancelExpiry() {
            ScheduledFuture<?> scheduled = expiry;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
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
        for (RequestRoute<?, ?> route : routes) {
            forward(route);
        }
    }

    private <Q> void forward(RequestRoute<Q, ?> route) {
        Topic<Q> topic = route.topic();
        Topic<?> replyTopicOfType = Topic.of(route.replyType());
        String kafkaTopic = route.kafkaTopic();
        String name = "kafka-requests:" + kafkaTopic;
        subscriptions.add(bus.<Q, Object>respondFanOut(topic, (request, answers) -> send(topic, request,
                replyTopicOfType, kafkaTopic, name, route.expected(), answers),
                Delivery.async(executor).concurrency(256).capacity(4096).name(name)));
    }

    private <Q> void send(Topic<Q> topic, Q request, Topic<?> replyType, String kafkaTopic, String name,
                          List<String> expected, FanOutResponder.Replies<Object> answers) {
        Envelope<?> current = bus.currentEnvelope().orElse(null);
        Envelope<Q> envelope = current == null ? Envelope.of(topic, request)
                : Envelope.restore(current.id(), topic, request, current.timestamp(), current.correlationId(),
                        current.causationId(), current.headers());
        String id = envelope.id();
        long deadline = System.currentTimeMillis() + requestTimeout.toMillis();
        ProducerRecord<byte[], byte[]> record = codec.toRecord(kafkaTopic, null, envelope);
        record.headers().add(KafkaHeaders.REPLY_TO, CloudEventsCodec.bytes(replyTopic));
        record.headers().add(KafkaHeaders.DEADLINE, CloudEventsCodec.bytes(Long.toString(deadline)));
        Pending waiting = new Pending(answers, replyType, topic.name(), name, answers.gathers() ? expected : List.of());
        waiting.expected.forEach(answers::expect);
        pending.put(id, waiting);
        waiting.expiry = timer.schedule(() -> expire(id), requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        answers.whenFinished(() -> finished(id, waiting));
        producer.send(record, (metadata, failure) -> {
            if (failure != null && pending.remove(id, waiting)) {
                waiting.cancelExpiry();
                end(waiting, RequestException.Reason.REJECTED, "Kafka refused the request for '" + kafkaTopic + "': "
                        + failure, failure);
            }
        });
    }

    /** Nobody waits for the request any more: forgotten, or kept until its expiry to report late answers. */
    private void finished(String id, Pending waiting) {
        if (!pending.remove(id, waiting)) {
            return;
        }
        if (waiting.answered) {
            waiting.cancelExpiry();
        } else {
            finishing.put(id, waiting);
        }
    }

    /** The bridge's request timeout passed: what still waits gets no more answers. */
    private void expire(String id) {
        Pending waiting = pending.remove(id);
        if (waiting != null) {
            end(waiting, RequestException.Reason.TIMEOUT, "no reply came on '" + replyTopic
                    + "' within the bridge's request timeout of " + requestTimeout, null);
        }
        finishing.remove(id);
    }

    /**
     * Ends a request that still waits, for a reason of the bridge's: a single request fails with it; a gathering
     * stops waiting for Kafka, with the reason as the bridge's own failure unless it is only the bridge's timeout
     * (then the services not heard from are unanswered).
     */
    private static void end(Pending waiting, RequestException.Reason reason, String message, Throwable cause) {
        boolean gathers = waiting.answers.gathers();
        if (!gathers || reason != RequestException.Reason.TIMEOUT) {
            waiting.answers.fail(waiting.name, new RequestException(reason, waiting.requestTopic, message, cause));
        }
        if (gathers) {
            waiting.answers.done();
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
        Pending waiting = pending.get(forId);
        if (waiting == null) {
            waiting = finishing.get(forId);
        }
        if (waiting == null) {
            log.debug("reply for {} came after its request stopped waiting; dropped", forId);
            return;
        }
        String replier = CloudEventsCodec.text(record.headers(), KafkaHeaders.REPLIER);
        if (replier == null) {
            replier = waiting.name;
        }
        String error = CloudEventsCodec.text(record.headers(), KafkaHeaders.REPLY_ERROR);
        if (error != null) {
            RequestException.Reason reason;
            try {
                reason = RequestException.Reason.valueOf(error);
            } catch (IllegalArgumentException unknown) {
                reason = RequestException.Reason.RESPONDER_FAILED;
            }
            answer(waiting, replier, null, new RequestException(reason, waiting.requestTopic, "the remote service '"
                    + replier + "' answered " + error + ": "
                    + CloudEventsCodec.text(record.headers(), KafkaHeaders.REPLY_ERROR_MESSAGE), null));
            return;
        }
        Object reply;
        try {
            reply = codec.fromRecord(record, waiting.replyType).payload();
        } catch (RuntimeException undecodable) {
            answer(waiting, replier, null, new RequestException(RequestException.Reason.BAD_REPLY,
                    waiting.requestTopic, "the reply of " + replier + " cannot be decoded: "
                    + undecodable.getMessage(), undecodable));
            return;
        }
        answer(waiting, replier, reply, null);
    }

    /** Hands one service's answer over; once every expected service answered, the gathering need not wait. */
    private static void answer(Pending waiting, String replier, Object reply, RequestException failure) {
        if (!waiting.answers.gathers()) {
            waiting.answered = true;
        }
        if (failure == null) {
            waiting.answers.reply(replier, reply);
        } else {
            waiting.answers.fail(replier, failure);
        }
        if (!waiting.expected.isEmpty() && waiting.heard.add(replier) && waiting.heard.containsAll(waiting.expected)) {
            waiting.answers.done();
        }
    }

    /** The number of requests waiting for an answer from Kafka now. */
    public int pendingCount() {
        return pending.size();
    }

    /** Stops forwarding, fails what still waits with {@code BUS_CLOSED}, and stops the listener. */
    public void close() {
        for (Subscription subscription : subscriptions) {
            subscription.close();
        }
        running = false;
        if (listener.getState() == Thread.State.NEW) {
            replies.close(CloseOptions.timeout(Duration.ZERO));   // never started: the listener would have closed it
        } else {
            replies.wakeup();
            try {
                listener.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String id : List.copyOf(pending.keySet())) {
            Pending waiting = pending.remove(id);
            if (waiting != null) {
                waiting.cancelExpiry();
                end(waiting, RequestException.Reason.BUS_CLOSED, "the Kafka bridge closed before the reply came",
                        null);
            }
        }
        finishing.values().forEach(Pending::cancelExpiry);
        finishing.clear();
    }
}
