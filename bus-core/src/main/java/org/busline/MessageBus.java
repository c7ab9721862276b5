package org.busline;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.busline.internal.BusConfig;
import org.busline.internal.DefaultMessageBus;
import org.busline.internal.Serialization;
import org.busline.spi.Interceptor;
import org.busline.spi.Scheduler;
import org.busline.spi.Serializer;
import org.busline.spi.SerializerProvider;
import org.busline.spi.TypeRegistry;

/**
 * An in-process message bus: typed publish/subscribe between the modules of one application.
 *
 * <pre>{@code
 * try (MessageBus bus = MessageBus.builder().name("shop").build()) {
 *     bus.subscribe(OrderPlaced.class, order -> ship(order));
 *     bus.publish(new OrderPlaced("o-1"));
 * }
 * }</pre>
 *
 * <p><b>Routing.</b> Every message travels on a {@link Topic}. {@link #publish(Object)} uses the type topic of the
 * message's class, which reaches the subscribers of that class and of its supertypes and interfaces; a named topic
 * reaches its own subscribers and the matching wildcard patterns. A message that reaches nobody is a
 * {@link DeadMessage}.
 *
 * <p><b>Order.</b> A message reaches its subscriptions in the order they were made: each synchronous handler runs,
 * and each asynchronous subscription receives it into its mailbox, in subscription order. How a subscription's
 * handler runs is its {@link Delivery}.
 *
 * <p><b>Failures.</b> A handler that throws never stops delivery to the others: the failure goes to the error
 * handler ({@link Builder#onError}) with the message and the subscription's name. An {@link Error} is reported the
 * same way and then rethrown on the thread that ran the handler; an interrupt is restored. A delivery that ends
 * unhandled (failed for the last time, rejected, or dropped) is also published as a {@link DeadLetter}; per
 * subscription, {@link Delivery} adds retries, timeouts, a circuit breaker, a bulkhead and de-duplication.
 *
 * <p><b>Threads.</b> Every method is thread-safe. Subscribing and unsubscribing while other threads publish is safe:
 * a publish sees the subscriptions as they were when it started routing.
 *
 * <p><b>Nulls.</b> No argument may be null; a null one throws {@link NullPointerException} naming it.
 */
public interface MessageBus extends AutoCloseable {

    /**
     * Returns a builder of a new bus.
     *
     * @return a builder with the defaults described on its methods
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the bus's name, as given to {@link Builder#name(String)}.
     *
     * @return the name, never null
     */
    String name();

    /**
     * Publishes a message on the type topic of its class.
     *
     * @param message the message; not null
     * @return how many subscriptions it reached, and a future of its delivery
     * @throws NullPointerException  if {@code message} is null
     * @throws IllegalStateException if the bus is closed
     * @throws MailboxFullException  if an asynchronous subscription's mailbox is full and its policy refuses the
     *                               message; nobody received it
     * @throws DeliveryException     if a synchronous subscription made with {@link Delivery#propagateFailures()}
     *                               failed; every other subscriber still received the message
     */
    PublishResult publish(Object message);

    /**
     * Publishes a message on a topic.
     *
     * @param topic   the topic; not null
     * @param message the message; not null
     * @param <T>     the topic's type
     * @return how many subscriptions it reached, and a future of its delivery
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the message is not of the topic's type, or this bus already knows the
     *                                  topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     * @throws MailboxFullException     as for {@link #publish(Object)}
     * @throws DeliveryException        as for {@link #publish(Object)}
     */
    <T> PublishResult publish(Topic<T> topic, T message);

    /**
     * Publishes a message with the metadata of an envelope: its headers, and its id and correlation id if it has
     * them. The bus sets the timestamp, and the causation id when called from inside a handler.
     *
     * @param envelope the message, made with {@link Envelope#of}; not null
     * @param <T>      the payload's type
     * @return how many subscriptions it reached, and a future of its delivery
     * @throws NullPointerException  if {@code envelope} is null
     * @throws IllegalStateException if the bus is closed
     * @throws MailboxFullException  as for {@link #publish(Object)}
     * @throws DeliveryException     as for {@link #publish(Object)}
     */
    <T> PublishResult publish(Envelope<T> envelope);

    /**
     * Subscribes a synchronous handler to messages of a type and its subtypes.
     *
     * @param type    the type; not null
     * @param handler the handler; not null
     * @param <T>     the type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the bus is closed
     */
    <T> Subscription subscribe(Class<T> type, MessageHandler<? super T> handler);

    /**
     * Subscribes a handler to messages of a type and its subtypes, delivered as {@code delivery} says.
     *
     * @param type     the type; not null
     * @param handler  the handler; not null
     * @param delivery synchronous or asynchronous delivery; not null
     * @param <T>      the type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the bus is closed
     */
    <T> Subscription subscribe(Class<T> type, MessageHandler<? super T> handler, Delivery delivery);

    /**
     * Subscribes a synchronous handler to a topic: a named topic, or the type topic of a (generic) type.
     *
     * @param topic   the topic; not null
     * @param handler the handler; not null
     * @param <T>     the topic's type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <T> Subscription subscribe(Topic<T> topic, MessageHandler<? super T> handler);

    /**
     * Subscribes a handler to a topic, delivered as {@code delivery} says.
     *
     * @param topic    the topic; not null
     * @param handler  the handler; not null
     * @param delivery synchronous or asynchronous delivery; not null
     * @param <T>      the topic's type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <T> Subscription subscribe(Topic<T> topic, MessageHandler<? super T> handler, Delivery delivery);

    /**
     * Subscribes a handler that receives each message of a topic in its envelope, with its metadata.
     *
     * @param topic    the topic; not null
     * @param handler  the handler; not null
     * @param delivery synchronous or asynchronous delivery; not null
     * @param <T>      the topic's type
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if this bus already knows the topic's name with another type
     * @throws IllegalStateException    if the bus is closed
     */
    <T> Subscription subscribeEnvelopes(Topic<T> topic, EnvelopeHandler<? super T> handler, Delivery delivery);

    /**
     * Subscribes a handler to every topic whose name matches a wildcard pattern of dot-separated tokens, where
     * {@code *} matches exactly one token and a final {@code >} matches one or more: {@code orders.*} matches
     * {@code orders.placed} but not {@code orders.placed.eu}; {@code orders.>} matches both. Type topics match by
     * their names too ({@code com.acme.orders.>}).
     *
     * @param pattern  the pattern; not null
     * @param handler  the handler; not null
     * @param delivery synchronous or asynchronous delivery; not null
     * @return the subscription; close it to unsubscribe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the pattern is malformed (an empty token, or {@code >} not last)
     * @throws IllegalStateException    if the bus is closed
     */
    Subscription subscribePattern(String pattern, EnvelopeHandler<Object> handler, Delivery delivery);

    /**
     * Subscribes every method of {@code subscriber} annotated with {@link Subscribe}, synchronously.
     *
     * @param subscriber the object; not null
     * @return one subscription for all of its methods
     * @throws NullPointerException     if {@code subscriber} is null
     * @throws IllegalArgumentException if it has no {@code @Subscribe} method, or one has a wrong signature; the
     *                                  message names the method and nothing is subscribed
     * @throws IllegalStateException    if the bus is closed
     */
    Subscription register(Object subscriber);

    /**
     * Subscribes every method of {@code subscriber} annotated with {@link Subscribe}, delivered as {@code delivery}
     * says; each method gets its own mailbox.
     *
     * @param subscriber the object; not null
     * @param delivery   synchronous or asynchronous delivery; not null
     * @return one subscription for all of its methods
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException as for {@link #register(Object)}
     * @throws IllegalStateException    if the bus is closed
     */
    Subscription register(Object subscriber, Delivery delivery);

    /**
     * Tells whether {@link #close()} was called.
     *
     * @return true once the bus is closing or closed
     */
    boolean isClosed();

    /**
     * Closes the bus. New publishes and subscriptions fail with {@link IllegalStateException} from now on. Then the
     * mailboxes of asynchronous subscriptions drain, up to the drain timeout ({@link Builder#drainTimeout});
     * messages still waiting after it go to the dropped-message handler with
     * {@link DroppedMessage.Reason#BUS_CLOSED}, so nothing is lost without a report. The bus shuts down the
     * executor it made itself, never one it was given. Idempotent; must not be called from a handler of this bus
     * (it would wait for itself).
     */
    @Override
    void close();

    /**
     * Configures a {@link MessageBus}. Each method checks its argument at once; {@link #build()} may be called more
     * than once. Not thread-safe.
     */
    final class Builder {
        private String name = "busline";
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler;
        private Executor executor;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private final List<Interceptor> interceptors = new ArrayList<>();
        private Consumer<? super DeliveryFailure> errorHandler;
        private Consumer<? super DeadMessage> deadMessageHandler;
        private Consumer<? super DroppedMessage> droppedHandler;
        private Serializer serializer;
        private final Map<Topic<?>, Serializer> topicSerializers = new LinkedHashMap<>();
        private TypeRegistry types = TypeRegistry.empty();
        private final Set<Topic<?>> isolatedTopics = new LinkedHashSet<>();

        private Builder() {
        }

        /**
         * Names the bus, for logs and error messages. Default: {@code "busline"}.
         *
         * @param name a non-blank name
         * @return this builder
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets the clock of envelope timestamps. Durations (timeouts, back-off) use the {@link #scheduler}.
         * Default: {@link Clock#systemUTC()}.
         *
         * @param clock the clock; not null
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the source of monotonic time and timers for deadlines, timeouts, back-off and circuit breakers, so
         * tests can drive time by hand. Default: {@link Scheduler#system()}, made on first use.
         *
         * @param scheduler the scheduler; not null
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Sets the executor of asynchronous subscriptions that name none ({@link Delivery#async()}). The bus does
         * not shut it down. Default: a cached pool of daemon threads named after the bus, made on first use and
         * shut down by {@link MessageBus#close()}.
         *
         * @param executor the executor; not null
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Sets how long {@link MessageBus#close()} waits for mailboxes to drain. Default: 10 seconds.
         *
         * @param drainTimeout zero or more
         * @return this builder
         * @throws IllegalArgumentException if {@code drainTimeout} is negative
         */
        public Builder drainTimeout(Duration drainTimeout) {
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            if (drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must not be negative, but was " + drainTimeout);
            }
            this.drainTimeout = drainTimeout;
            return this;
        }

        /**
         * Adds an interceptor; interceptors run in the order they were added.
         *
         * @param interceptor the interceptor; not null
         * @return this builder
         */
        public Builder interceptor(Interceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * Sets the handler of subscribers' failures. It runs on the thread that ran the failing handler, and must
         * not throw (what it throws is logged and ignored). With a {@link RetryPolicy}, it receives only the failure
         * of a message's last attempt. Default: log at ERROR with the topic, message id and subscription.
         *
         * @param errorHandler the handler; not null
         * @return this builder
         */
        public Builder onError(Consumer<? super DeliveryFailure> errorHandler) {
            this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
            return this;
        }

        /**
         * Sets the handler of messages that reached nobody. It runs on the publisher's thread. Default: log at
         * DEBUG with the topic and message id.
         *
         * @param deadMessageHandler the handler; not null
         * @return this builder
         */
        public Builder onDeadMessage(Consumer<? super DeadMessage> deadMessageHandler) {
            this.deadMessageHandler = Objects.requireNonNull(deadMessageHandler, "deadMessageHandler");
            return this;
        }

        /**
         * Sets the handler of messages dropped by an overflow policy or left undelivered at close. It runs on the
         * thread that dropped the message. Default: log at WARN with the topic, message id, subscription and reason.
         *
         * @param droppedHandler the handler; not null
         * @return this builder
         */
        public Builder onDropped(Consumer<? super DroppedMessage> droppedHandler) {
            this.droppedHandler = Objects.requireNonNull(droppedHandler, "droppedHandler");
            return this;
        }

        /**
         * Sets the bus-wide serializer of isolated delivery ({@link Delivery#isolated()}, {@link #isolate(Topic)}),
         * used for every topic that has none of its own. Default: one made by the first {@link SerializerProvider}
         * that {@link java.util.ServiceLoader} finds on the class path or module path (such as {@code bus-jackson}'s),
         * with the {@linkplain #types(TypeRegistry) types} of this builder; an isolated subscription fails with
         * {@link IllegalStateException} if there is none.
         *
         * @param serializer the serializer; not null
         * @return this builder
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * Sets the serializer of one topic's messages, instead of the bus-wide one.
         *
         * @param topic      the topic; not null
         * @param serializer the serializer; not null
         * @return this builder
         */
        public Builder serializer(Topic<?> topic, Serializer serializer) {
            Objects.requireNonNull(topic, "topic");
            topicSerializers.put(topic, Objects.requireNonNull(serializer, "serializer"));
            return this;
        }

        /**
         * Sets the logical types, versions and upcasters of the serializer found through
         * {@link java.util.ServiceLoader}. A serializer set with {@link #serializer(Serializer)} has its own. Default:
         * {@link TypeRegistry#empty()}, where each topic is written under its own name, version 1.
         *
         * @param types the registry; not null
         * @return this builder
         */
        public Builder types(TypeRegistry types) {
            this.types = Objects.requireNonNull(types, "types");
            return this;
        }

        /**
         * Isolates a topic: every subscription that receives its messages receives a deserialized copy, as if it had
         * subscribed with {@link Delivery#isolated()}.
         *
         * @param topic the topic; not null
         * @return this builder
         */
        public Builder isolate(Topic<?> topic) {
            isolatedTopics.add(Objects.requireNonNull(topic, "topic"));
            return this;
        }

        /**
         * Builds a new bus with this configuration.
         *
         * @return the bus, open
         */
        public MessageBus build() {
            return new DefaultMessageBus(new BusConfig(name, clock, scheduler, executor, drainTimeout, List.copyOf(interceptors),
                    errorHandler, deadMessageHandler, droppedHandler,
                    new Serialization(serializer, topicSerializers, types, isolatedTopics)));
        }
    }
}
