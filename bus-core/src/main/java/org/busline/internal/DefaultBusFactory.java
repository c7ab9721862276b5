package org.busline.internal;

import org.busline.MessageBus;
import org.busline.spi.BusFactory;

/**
 * The factory that {@code MessageBus.Builder} finds through {@link java.util.ServiceLoader}: the only way from the
 * API to the implementation, so {@code org.busline} never imports this package. Stateless.
 */
public final class DefaultBusFactory implements BusFactory {

    /** Called by {@link java.util.ServiceLoader}. */
    public DefaultBusFactory() {
    }

    @Override
    public MessageBus create(Configuration configuration) {
        return new DefaultMessageBus(configuration);
    }
}
