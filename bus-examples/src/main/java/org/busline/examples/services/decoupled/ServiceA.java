package org.busline.examples.services.decoupled;

import org.busline.MessageBus;

/** Registers users and says so on the bus; it does not know who listens. */
public final class ServiceA {
    private final MessageBus bus;

    public ServiceA(MessageBus bus) {
        this.bus = bus;
    }

    public void register(String user) {
        // ... store the user ...
        bus.publish(new UserRegistered(user));
    }
}
