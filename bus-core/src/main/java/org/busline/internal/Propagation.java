package org.busline.internal;

import org.busline.spi.ContextPropagator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus's context propagators, applied as one: a snapshot is an array with one entry per propagator.
 *
 * <p>Design note: immutable and thread-safe. With no propagator, {@link #capture()} returns null and mailbox entries
 * carry nothing, so a bus without propagators pays one null check per message. Restoring never throws: a failing
 * propagator is logged and skipped, so context is best effort and never costs a message.
 */
final class Propagation {
    private static final Logger LOG = LoggerFactory.getLogger(Propagation.class);
    private static final ContextPropagator.Scope NOTHING = () -> { };

    private final ContextPropagator[] propagators;

    Propagation(java.util.List<ContextPropagator> propagators) {
        this.propagators = propagators.toArray(new ContextPropagator[0]);
    }

    /** True if the bus has no propagator, so that messages carry no context. */
    boolean isEmpty() {
        return propagators.length == 0;
    }

    /** On the publisher's thread: the snapshots of every propagator, or null when there is none. */
    Object[] capture() {
        if (propagators.length == 0) {
            return null;
        }
        Object[] snapshot = new Object[propagators.length];
        for (int i = 0; i < propagators.length; i++) {
            try {
                snapshot[i] = propagators[i].capture();
            } catch (RuntimeException failure) {
                LOG.error("Context propagator {} failed to capture the publisher's context; the message goes "
                        + "without it", propagators[i], failure);
            }
        }
        return snapshot;
    }

    /** On the handler's thread: installs a snapshot taken by {@link #capture()}; the scope closes in reverse. */
    ContextPropagator.Scope restore(Object[] snapshot, String subscriber) {
        // A snapshot always comes from this bus's propagators, so it has one slot for each.
        if (snapshot == null) {
            return NOTHING;
        }
        ContextPropagator.Scope[] scopes = new ContextPropagator.Scope[propagators.length];
        for (int i = 0; i < propagators.length; i++) {
            try {
                scopes[i] = propagators[i].restore(snapshot[i]);
            } catch (RuntimeException failure) {
                LOG.error("Context propagator {} failed to restore the context of subscription '{}'; the handler runs "
                        + "without it", propagators[i], subscriber, failure);
            }
        }
        return () -> {
            for (int i = scopes.length - 1; i >= 0; i--) {
                if (scopes[i] != null) {
                    try {
                        scopes[i].close();
                    } catch (RuntimeException failure) {
                        LOG.error("Context propagator {} failed to close its scope for subscription '{}'",
                                propagators[i], subscriber, failure);
                    }
                }
            }
        };
    }
}
