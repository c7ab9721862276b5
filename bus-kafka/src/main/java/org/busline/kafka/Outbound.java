package org.busline.kafka;

import java.util.Objects;
import java.util.function.Function;
import org.busline.Topic;

/**
 * One local topic carried out to a Kafka topic: every message published on the local bus to {@link #topic()} (and,
 * for a type topic, to the type topics of its subtypes) is also produced to {@link #kafkaTopic()}, keyed by
 * {@link #key()}.
 *
 * <pre>{@code
 * Outbound.of(OrderPlaced.TOPIC).key(OrderPlaced::orderId)                  // Kafka topic "orders.placed"
 * Outbound.of(OrderShipped.class).to("shop.orders.shipped").key(s -> s.orderId())
 * }</pre>
 *
 * <p>Records of one key go to one partition, in the order they were published on the bus, so a consumer handles
 * them in that order. Without a key function records carry no key and Kafka spreads them over the partitions, with
 * no order between them.
 *
 * <p>Immutable and thread-safe; each method returns a new instance and checks its argument at once.
 *
 * @param <T> the topic's type
 */
public final class Outbound<T> {
    private final Topic<T> topic;
    private final String kafkaTopic;
    private final Function<? super T, String> key;

    private Outbound(Topic<T> topic, String kafkaTopic, Function<? super T, String> key) {
        this.topic = topic;
        this.kafkaTopic = kafkaTopic;
        this.key = key;
    }

    /**
     * Carries a named topic to the Kafka topic of the same name.
     *
     * @param topic the local topic; not null
     * @param <T>   its type
     * @return the outbound route, with no key function; if the topic's name is not a legal Kafka topic name (a
     *         nested class's type topic has a {@code $}), name one with {@link #to(String)} before adding the route
     * @throws NullPointerException if {@code topic} is null
     */
    public static <T> Outbound<T> of(Topic<T> topic) {
        Objects.requireNonNull(topic, "topic");
        return new Outbound<>(topic, KafkaNames.defaultTopic(topic.name()), null);
    }

    /**
     * Carries the type topic of a class (its messages and those of its subtypes). Name the Kafka topic with
     * {@link #to(String)}: by default it would be the class's name.
     *
     * @param type the class; not null
     * @param <T>  the type
     * @return the outbound route, with no key function
     * @throws NullPointerException if {@code type} is null
     */
    public static <T> Outbound<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return of(Topic.of(type));
    }

    /**
     * Names the Kafka topic the records go to.
     *
     * @param kafkaTopic a legal Kafka topic name: 1 to 249 letters, digits, {@code .}, {@code _} or {@code -}
     * @return the refined route
     * @throws IllegalArgumentException if the name is not legal
     */
    public Outbound<T> to(String kafkaTopic) {
        return new Outbound<>(topic, KafkaNames.checkTopic(kafkaTopic, "kafkaTopic"), key);
    }

    /**
     * Sets the function that gives each message its Kafka key, for example the id of the aggregate it is about. It
     * runs on the publisher's thread; a key it returns null makes a record without key. What it throws fails the
     * bridge's delivery of that message, which the bus reports as any failed subscriber (error handler,
     * {@link org.busline.DeadLetter}).
     *
     * @param key the key function; not null
     * @return the refined route
     */
    public Outbound<T> key(Function<? super T, String> key) {
        return new Outbound<>(topic, kafkaTopic, Objects.requireNonNull(key, "key"));
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
     * Returns the Kafka topic.
     *
     * @return the name, or null if the local topic's name is not a legal one and none was given
     */
    public String kafkaTopic() {
        return kafkaTopic;
    }

    /**
     * Returns the key function.
     *
     * @return the function, or null for records without key
     */
    public Function<? super T, String> key() {
        return key;
    }

    @Override
    public String toString() {
        return "Outbound[" + topic.name() + " -> kafka:" + kafkaTopic + (key == null ? ", no key" : ", keyed") + "]";
    }
}
