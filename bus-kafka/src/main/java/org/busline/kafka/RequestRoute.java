package org.busline.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.busline.Topic;

/**
 * The requester's side of request/reply between services: requests made on the local bus to {@link #topic()}
 * ({@code bus.request(topic, request, replyType, timeout)}) are produced to {@link #kafkaTopic()}, where a
 * {@link ResponderRoute} of another service answers them; the reply comes back on this instance's reply topic
 * ({@link KafkaBridge.Builder#replyTopic(String)}).
 *
 * <p>The bridge registers an asynchronous responder for the topic on the local bus, so a local request finds it as it
 * would find a local responder, and the caller's code does not change. The caller's deadline is enforced by its own
 * bus as always; {@link KafkaBridge.Builder#requestTimeout(java.time.Duration)} bounds how long the bridge waits and travels
 * with the request, so the remote side does not answer a request nobody waits for any more.
 *
 * <p><b>Scatter-gather.</b> {@code bus.requestAll(topic, request, ReplyType.class, gather)} reaches the local
 * responders and, through this route, every service whose {@link ResponderRoute} reads the Kafka topic (each consumer
 * group answers once): each service's reply or failure is gathered under its name, the responder route's group. The
 * requester cannot know which services read the topic, so every answer that arrives by the deadline is gathered, and
 * {@link org.busline.Gather#first(int)} and {@link org.busline.Gather#until} count them as local ones. Name the
 * services you count on with {@link #expect(String...)}: those silent by the deadline are listed as unanswered, and
 * the gathering completes as soon as all of them answered. Without it, the route itself
 * ({@code kafka-requests:<kafkaTopic>}) is listed as unanswered when no service answered at all. An answer after the
 * gathering completed is never handed over; the bus reports it as a late reply, as for {@code request}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <Q> the type of requests
 * @param <R> the type of replies
 * @see ResponderRoute
 */
public final class RequestRoute<Q, R> {
    private final Topic<Q> topic;
    private final Class<R> replyType;
    private final String kafkaTopic;
    private final List<String> expected;

    private RequestRoute(Topic<Q> topic, Class<R> replyType, String kafkaTopic, List<String> expected) {
        this.topic = topic;
        this.replyType = replyType;
        this.kafkaTopic = kafkaTopic;
        this.expected = expected;
    }

    /**
     * Sends the requests of a local topic to the Kafka topic of the same name.
     *
     * @param topic     the local topic of requests; not null
     * @param replyType the class of replies, as the requesters ask for it; not null. Register its type topic
     *                  ({@code Topic.of(replyType)}) in the {@link org.busline.spi.TypeRegistry} of both sides, so
     *                  the reply travels under a logical type name rather than its class name
     * @param <Q>       the type of requests
     * @param <R>       the type of replies
     * @return the route
     * @throws NullPointerException if an argument is null. If the topic's name is not a legal Kafka topic name,
     *                              name the Kafka topic with {@link #to(String)} before adding the route
     */
    public static <Q, R> RequestRoute<Q, R> of(Topic<Q> topic, Class<R> replyType) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(replyType, "replyType");
        return new RequestRoute<>(topic, replyType, KafkaNames.defaultTopic(topic.name()), List.of());
    }

    /**
     * Names the Kafka topic of the requests.
     *
     * @param kafkaTopic a legal Kafka topic name
     * @return the refined route
     * @throws IllegalArgumentException if the name is not legal
     */
    public RequestRoute<Q, R> to(String kafkaTopic) {
        return new RequestRoute<>(topic, replyType, KafkaNames.checkTopic(kafkaTopic, "kafkaTopic"), expected);
    }

    /**
     * Names the services a scatter-gather through this route expects to answer: the consumer groups of their
     * {@link ResponderRoute}s. A {@code requestAll} lists those that did not answer by its deadline as unanswered, and
     * completes as soon as every one of them answered (others that answer before that are gathered too). A single
     * {@code request} is not affected.
     *
     * @param services the groups, not blank, without repeats; replaces those named before
     * @return the refined route
     * @throws IllegalArgumentException if a name is blank or named twice
     */
    public RequestRoute<Q, R> expect(String... services) {
        Objects.requireNonNull(services, "services");
        List<String> names = new ArrayList<>(services.length);
        for (String service : services) {
            Objects.requireNonNull(service, "service");
            if (service.isBlank()) {
                throw new IllegalArgumentException("an expected service of request route '" + topic.name()
                        + "' is blank");
            }
            if (names.contains(service)) {
                throw new IllegalArgumentException("service '" + service + "' is expected twice by request route '"
                        + topic.name() + "'");
            }
            names.add(service);
        }
        return new RequestRoute<>(topic, replyType, kafkaTopic, List.copyOf(names));
    }

    /**
     * Returns the services a scatter-gather expects to answer.
     *
     * @return the groups named with {@link #expect(String...)}, in that order; empty if none; unmodifiable
     */
    public List<String> expected() {
        return expected;
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
     * Returns the Kafka topic of requests.
     *
     * @return the name, or null if none was named and the local topic's is not a legal one
     */
    public String kafkaTopic() {
        return kafkaTopic;
    }

    @Override
    public String toString() {
        return "RequestRoute[" + topic.name() + " -> kafka:" + kafkaTopic + ", reply " + replyType.getName()
                + (expected.isEmpty() ? "" : ", expecting " + expected) + "]";
    }
}
