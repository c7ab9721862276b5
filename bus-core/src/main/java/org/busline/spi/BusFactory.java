package org.busline.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.busline.Boundaries;
import org.busline.DeadMessage;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.MessageBus;
import org.busline.Topic;

/**
 * Makes the bus that {@link MessageBus.Builder#build()} returns. This is the seam between the API and the
 * implementation: the builder collects and checks a {@link Configuration}, finds the factory through
 * {@link java.util.ServiceLoader} (module {@code org.busline} provides its own, {@code org.busline.internal} stays
 * unexported), and hands the configuration over, so that the API never names an implementation class.
 *
 * <p>Integrations do not implement this interface: the builder uses the factory of module {@code org.busline} and
 * ignores any other.
 */
public interface BusFactory {

    /**
     * Makes a new, open bus. Called on the thread that called {@link MessageBus.Builder#build()}.
     *
     * @param configuration what the builder collected; not null
     * @return the bus, open, never null
     */
    MessageBus create(Configuration configuration);

    /**
     * Everything {@link MessageBus.Builder} collected, checked, with immutable collections. The meaning of each
     * component is that of the builder method of the same name.
     *
     * @param name                     the bus's name, not blank
     * @param clock                    the clock of envelope timestamps
     * @param scheduler                the scheduler, or null for a system scheduler made on first use
     * @param executor                 the default executor of asynchronous subscriptions, or null for one the bus
     *                                 makes and owns
     * @param drainTimeout             how long {@code close()} waits for mailboxes to drain
     * @param interceptors             the interceptors, in the order they run
     * @param propagators              the context propagators of asynchronous deliveries, in order
     * @param errorHandler             the error handler, or null for the default, which logs at ERROR (at DEBUG
     *                                 a failure that another party handles)
     * @param deadMessageHandler       the dead-message handler, or null for the default (WARN once per topic, then
     *                                 DEBUG)
     * @param droppedHandler           the dropped-message handler, or null for the default, which logs at WARN
     * @param serializer               the bus-wide serializer, or null to find one through
     *                                 {@link java.util.ServiceLoader}
     * @param topicSerializers         the serializers of particular topics
     * @param types                    the type registry of a serializer found through {@link java.util.ServiceLoader}
     * @param isolatedTopics           the topics whose every subscription receives copies
     * @param failSendsWithoutConsumer true if a send to a topic without subscription throws
     * @param retainedTopics           the topics that keep their last message, in the order they were retained
     * @param boundaries               the module boundaries, never null ({@link Boundaries#none()} for none)
     */
    record Configuration(String name, Clock clock, Scheduler scheduler, Executor executor, Duration drainTimeout,
                         List<Interceptor> interceptors, List<ContextPropagator> propagators,
                         Consumer<? super DeliveryFailure> errorHandler,
                         Consumer<? super DeadMessage> deadMessageHandler,
                         Consumer<? super DroppedMessage> droppedHandler, Serializer serializer,
                         Map<Topic<?>, Serializer> topicSerializers, TypeRegistry types,
                         Set<Topic<?>> isolatedTopics, boolean failSendsWithoutConsumer,
                         Set<Topic<?>> retainedTopics, Boundaries boundaries) {
    }
}
