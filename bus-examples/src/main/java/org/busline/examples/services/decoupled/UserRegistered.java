package org.busline.examples.services.decoupled;

/** The event ServiceA publishes: the only thing the two services share. */
public record UserRegistered(String user) {
}
