package org.busline.kafka;

import java.util.Objects;
import org.busline.Topic;

/**
 * The responder's side of request/reply between services: requests read from {@link #kafkaTopic()} by the consumer
 * group {@link #group()} are asked of the local responders of {@link #topic()} ({@code bus.respond(topic, …)}), and
 * each reply, or the {@link org.busline.RequestException.Reason} of the failure, is produced to the requester's reply
 * topic.
 *
 * <p>Each request is handled by one instance of the group, and its reply names the group as the answering service
 * ({@link KafkaHeaders#REPLIER}): a scatter-gather of the requester ({@link RequestRoute}) gathers it under that name,
 * one answer per group. The local request runs with the time the requester has
 * left ({@link KafkaHeaders#DEADLINE}); a request that arrives after it is skipped. A request whose record cannot be
 * decoded goes to the dead-letter topic {@code <kafkaTopic>.dlt}, and its requester times out.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <Q> the type of requests
 * @param <R> the type of replies
 * @see RequestRoute
 */
public final class ResponderRoute<Q, R> {
    private final Topic<Q> topic;
    private final Class<R> replyType;
    private final String group;
    private final String kafkaTopic;

    private ResponderRoute(Topic<Q> topic, Class<R> replyType, String group, String kafkaTopic) {
        this.topic = topic;
        this.replyType = replyType;
        this.group = group;
        this.kafkaTopic = kafkaTopic;
    }

    /**
     * Answers the requests of the Kafka topic named like a local topic.
     *
     * @param topic     the local topic of requests; not null
     * @param replyType the class of replies the local responder gives; not null
     * @param group     the consumer group of the responding service; not blank
     * @param <Q>       the type of requests
     * @param <R>       the type of replies
     * @return the route
     * @throws IllegalArgumentException if the group is blank. If the topic's name is not a legal Kafka topic name,
     *                                  name the Kafka topic with {@link #from(String)} before adding the route
     */
    public static <Q, R> ResponderRoute<Q, R> of(Topic<Q> topic, Class<R> replyType, String group) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(replyType, "replyType");
        return new ResponderRoute<>(topic, replyType, KafkaNames.checkGroup(group),
                KafkaNames.defaultTopic(topic.name()));
    }

    /**
     * Names the Kafka topic of the requests.
     *
     * @param kafkaTopic a legal Kafka topic name
     * @return the refined route
     * @throws IllegalArgumentException if the name is not legal
     */
    public ResponderRoute<Q, R> from(String kafkaTopic) {
        return new ResponderRoute<>(topic, replyType, group, KafkaNames.checkTopic(kafkaTopic, "kafkaTopic"));
    }

    /**
     * Returns the local topic of requests.
     *
     * @return the topic
     */
    public Topic<Q> topic() {
        return topic;
    }

    /**
     * Returns the class of replies.
     *
     * @return the class
     */
    public Class<R> replyType() {
        return replyType;
    }

    /**
     * Returns the consumer group.
     *
     * @return the group
     */
    public String group() {
        return group;
    }

    /**
     * Returns the Kafka topic of requests.
     *
     * @return the name, or null if none was named and the local topic's is not a legal one
     */
    public String kafkaTopic() {
        return kafkaTopic;
    }

    @Override
    public String toString() {
        return "ResponderRoute[kafka:" + kafkaTopic + " (group " + group + ") -> " + topic.name() + "]";
    }
}
