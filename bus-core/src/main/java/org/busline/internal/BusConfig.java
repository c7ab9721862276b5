package org.busline.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.busline.DeadMessage;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.spi.Interceptor;

/**
 * Everything {@code MessageBus.Builder} collected, checked, as the implementation receives it.
 *
 * @param executor           the default executor, or null for one the bus makes and owns
 * @param errorHandler       null for the default, which logs at ERROR
 * @param deadMessageHandler null for the default, which logs at DEBUG
 * @param droppedHandler     null for the default, which logs at WARN
 * @param serialization      the serializers of isolated delivery
 */
public record BusConfig(String name, Clock clock, Executor executor, Duration drainTimeout,
                        List<Interceptor> interceptors, Consumer<? super DeliveryFailure> errorHandler,
                        Consumer<? super DeadMessage> deadMessageHandler,
                        Consumer<? super DroppedMessage> droppedHandler,
                        Serialization serialization) {
}
