package org.busline.internal;

import org.busline.MessageBus;

/** What tests outside this package may read of a default bus's internals. */
public final class Internals {
    private Internals() {
    }

    /** Requests awaiting a reply from another thread. */
    public static int awaitingRequests(MessageBus bus) {
        return ((DefaultMessageBus) bus).awaitingRequests();
    }

    /** Boundary violations so far, refused or audited. */
    public static long boundaryViolations(MessageBus bus) {
        return ((DefaultMessageBus) bus).boundaryViolations();
    }
}
