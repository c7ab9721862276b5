package org.busline.examples.services.coupled;

import java.util.ArrayList;
import java.util.List;

/** Sends welcome mails. */
public final class ServiceB {
    private final List<String> sent = new ArrayList<>();

    /** Called by ServiceA directly: ServiceA must know this class, and waits while it works. */
    public void sendWelcome(String user) {
        sent.add("Welcome, " + user + "!");
    }

    public List<String> sent() {
        return sent;
    }
}
