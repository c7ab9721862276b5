package org.busline.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.busline.DeadMessage;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.spi.ContextPropagator;
import org.busline.spi.Interceptor;
import org.busline.spi.Scheduler;

/**
 * Everything {@code MessageBus.Builder} collected, checked, as the implementation receives it.
 *
 * @param scheduler          the scheduler, or null for a system scheduler made on first use
 * @param executor           the default executor, or null for one the bus makes and owns
 * @param propagators        the context propagators of asynchronous deliveries, in order
 * @param errorHandler       null for the default, which logs at ERROR
 * @param deadMessageHandler null for the default, which logs at DEBUG
 * @param droppedHandler     null for the default, which logs at WARN
 * @param serialization      the serializers of isolated delivery
 * @param failSendsWithoutConsumer true if a send to a topic without subscription throws rather than goes dead
 */
public record BusConfig(String name, Clock clock, Scheduler scheduler, Executor executor, Duration drainTimeout,
                        List<Interceptor> interceptors,
                        List<ContextPropagator> propagators, Consumer<? super DeliveryFailure> errorHandler,
                        Consumer<? super DeadMessage> deadMessageHandler,
                        Consumer<? super DroppedMessage> droppedHandler,
                        Serialization serialization, boolean failSendsWithoutConsumer) {
}
