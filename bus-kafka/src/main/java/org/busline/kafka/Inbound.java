package org.busline.kafka;

import java.util.Objects;
import org.busline.Topic;

/**
 * One Kafka topic, read by a consumer group, carried in to a local topic: each record is decoded and published on
 * the local bus to the topic's subscribers.
 *
 * <pre>{@code
 * Inbound.of(OrderPlaced.TOPIC, "billing")                        // Kafka topic "orders.placed", group "billing"
 * Inbound.of(OrderPlaced.TOPIC, "billing").from("shop.orders").lanes(8).maxInFlightPerPartition(500)
 * }</pre>
 *
 * <p><b>What is promised.</b> A record's offset is committed only once every local subscription it reached has
 * finished with it ({@link org.busline.PublishResult#completion()}), as the contiguous prefix of finished offsets of
 * its partition: after a crash, every record not finished is read again (at least once; a duplicate has the same
 * envelope id, so an {@linkplain org.busline.Delivery#idempotent(int) idempotent} subscription skips it). Records of
 * one key are published in their partition's order, from one lane thread; records of different keys are spread over
 * {@link #lanes()} threads and run in parallel. A partition with {@link #maxInFlightPerPartition()} records
 * published and not finished (a slow subscriber, a full mailbox) is paused and resumed when half of them are done, so
 * memory stays bounded. A record that cannot be decoded, or whose delivery ends as a dead letter (after the
 * subscription's retry policy), is produced to {@link #deadLetterTopic()} and counts as finished.
 *
 * <p>Immutable and thread-safe; each method returns a new instance and checks its argument at once.
 *
 * @param <T> the local topic's type
 */
public final class Inbound<T> {
    /** The default number of lane threads. */
    public static final int DEFAULT_LANES = 4;
    /** The default most records of a partition published and not finished before it is paused. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1000;

    private final Topic<T> topic;
    private final String kafkaTopic;
    private final String group;
    private final int lanes;
    private final int maxInFlight;
    private final String deadLetterTopic;

    private Inbound(Topic<T> topic, String kafkaTopic, String group, int lanes, int maxInFlight,
                    String deadLetterTopic) {
        this.topic = topic;
        this.kafkaTopic = kafkaTopic;
        this.group = group;
        this.lanes = lanes;
        this.maxInFlight = maxInFlight;
        this.deadLetterTopic = deadLetterTopic;
    }

    /**
     * Reads the Kafka topic named like a local topic, in a consumer group, into that local topic.
     *
     * @param topic the local topic; not null
     * @param group the consumer group: the service, all of whose instances share the topic's partitions; not blank
     * @param <T>   the topic's type
     * @return the inbound route; its dead-letter topic is the Kafka topic's name followed by {@code .dlt}
     * @throws IllegalArgumentException if the group is blank. If the topic's name is not a legal Kafka topic name,
     *                                  name the Kafka topic with {@link #from(String)} before adding the route
     */
    public static <T> Inbound<T> of(Topic<T> topic, String group) {
        Objects.requireNonNull(topic, "topic");
        String kafkaTopic = KafkaNames.defaultTopic(topic.name());
        return new Inbound<>(topic, kafkaTopic, KafkaNames.checkGroup(group), DEFAULT_LANES, DEFAULT_MAX_IN_FLIGHT,
                kafkaTopic == null ? null : kafkaTopic + ".dlt");
    }

    /**
     * Names the Kafka topic to read; the dead-letter topic follows unless it was set.
     *
     * @param kafkaTopic a legal Kafka topic name
     * @return the refined route
     * @throws IllegalArgumentException if the name is not legal
     */
    public Inbound<T> from(String kafkaTopic) {
        String checked = KafkaNames.checkTopic(kafkaTopic, "kafkaTopic");
        String dlt = deadLetterTopic == null || deadLetterTopic.equals(this.kafkaTopic + ".dlt") ? checked + ".dlt"
                : deadLetterTopic;
        return new Inbound<>(topic, checked, group, lanes, maxInFlight, dlt);
    }

    /**
     * Sets how many threads publish records on the local bus: records of one key always go to the same lane, in
     * order; lanes run in parallel. Synchronous subscribers run on these threads. Default {@value #DEFAULT_LANES}.
     *
     * @param lanes 1 or more
     * @return the refined route
     * @throws IllegalArgumentException if {@code lanes} is less than 1
     */
    public Inbound<T> lanes(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be 1 or more, but was " + lanes);
        }
        return new Inbound<>(topic, kafkaTopic, group, lanes, maxInFlight, deadLetterTopic);
    }

    /**
     * Sets how many records of one partition may be published and not finished before the partition is paused.
     * Default {@value #DEFAULT_MAX_IN_FLIGHT}. Memory held by the bridge is at most this many records per assigned
     * partition, plus one poll's worth ({@code max.poll.records}).
     *
     * @param maxInFlight 1 or more
     * @return the refined route
     * @throws IllegalArgumentException if {@code maxInFlight} is less than 1
     */
    public Inbound<T> maxInFlightPerPartition(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlightPerPartition must be 1 or more, but was " + maxInFlight);
        }
        return new Inbound<>(topic, kafkaTopic, group, lanes, maxInFlight, deadLetterTopic);
    }

    /**
     * Names the dead-letter topic. Default: the Kafka topic's name followed by {@code .dlt}. It may have any number
     * of partitions: records go to it by their key.
     *
     * @param deadLetterTopic a legal Kafka topic name
     * @return the refined route
     * @throws IllegalArgumentException if the name is not legal or is the topic read
     */
    public Inbound<T> deadLetterTopic(String deadLetterTopic) {
        String checked = KafkaNames.checkTopic(deadLetterTopic, "deadLetterTopic");
        if (checked.equals(kafkaTopic)) {
            throw new IllegalArgumentException("deadLetterTopic must differ from the topic read, '" + kafkaTopic
                    + "'");
        }
        return new Inbound<>(topic, kafkaTopic, group, lanes, maxInFlight, checked);
    }

    /**
     * Returns the local topic.
     *
     * @return the topic, never null
     */
    public Topic<T> topic() {
        return topic;
    }

    /**
     * Returns the Kafka topic read.
     *
     * @return the name, or null if none was named and the local topic's is not a legal one
     */
    public String kafkaTopic() {
        return kafkaTopic;
    }

    /**
     * Returns the consumer group.
     *
     * @return the group, never null
     */
    public String group() {
        return group;
    }

    /**
     * Returns the number of lane threads.
     *
     * @return 1 or more
     */
    public int lanes() {
        return lanes;
    }

    /**
     * Returns the most records of a partition in flight before it is paused.
     *
     * @return 1 or more
     */
    public int maxInFlightPerPartition() {
        return maxInFlight;
    }

    /**
     * Returns the dead-letter topic.
     *
     * @return the name, or null while the Kafka topic is unknown
     */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    @Override
    public String toString() {
        return "Inbound[kafka:" + kafkaTopic + " (group " + group + ") -> " + topic.name() + ", lanes " + lanes
                + ", maxInFlightPerPartition " + maxInFlight + ", dlt " + deadLetterTopic + "]";
    }
}
