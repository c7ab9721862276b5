package org.busline.micrometer.internal;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import org.busline.spi.ContextPropagator;

/**
 * Busline's {@link ContextPropagator} on Micrometer's context-propagation: captures every thread-local its
 * {@link io.micrometer.context.ContextRegistry} knows (the MDC, the current observation, a security context…) when a
 * message enters a mailbox, and sets them around each handler attempt on the worker thread. The factory is built with
 * {@code clearMissing(true)}, so a thread-local the publisher did not have is cleared for the handler, and nothing of
 * one task leaks into the next on a pooled thread; closing the scope puts back what the worker had. Immutable and
 * thread-safe.
 */
public final class SnapshotPropagator implements ContextPropagator {
    private final ContextSnapshotFactory snapshots;

    public SnapshotPropagator(ContextSnapshotFactory snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public Object capture() {
        return snapshots.captureAll();
    }

    @Override
    public Scope restore(Object snapshot) {
        if (!(snapshot instanceof ContextSnapshot)) {
            // Capture failed (the bus logged it): still clear what the worker holds, as an empty snapshot does.
            snapshot = snapshots.captureFrom();
        }
        ContextSnapshot.Scope scope = ((ContextSnapshot) snapshot).setThreadLocals();
        return scope::close;
    }

    @Override
    public String toString() {
        return "SnapshotPropagator[clearMissing]";
    }
}
