package org.busline.examples.services.coupled;

/** Registers users, and calls ServiceB itself: the two are tied together. */
public final class ServiceA {
    private final ServiceB welcomes;

    public ServiceA(ServiceB welcomes) {
        this.welcomes = welcomes;
    }

    public void register(String user) {
        // ... store the user ...
        welcomes.sendWelcome(user);
    }
}
