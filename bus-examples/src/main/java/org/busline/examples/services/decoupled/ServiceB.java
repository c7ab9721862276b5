package org.busline.examples.services.decoupled;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.MessageBus;

/** Sends welcome mails when a user registers; it does not know who registers them. */
public final class ServiceB {
    private final List<String> sent = new CopyOnWriteArrayList<>();

    public ServiceB(MessageBus bus) {
        bus.subscribe(UserRegistered.class, event -> sendWelcome(event.user()));
    }

    private void sendWelcome(String user) {
        sent.add("Welcome, " + user + "!");
    }

    public List<String> sent() {
        return sent;
    }
}
