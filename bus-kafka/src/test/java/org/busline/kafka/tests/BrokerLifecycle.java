package org.busline.kafka.tests;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes the shared broker when the whole test run ends, before the JVM exits. Left to a shutdown hook, its close
 * raced with the test kit's own hook that deletes its directories, and a broker that loses them halts the JVM with
 * status 1, which surefire reports as a crashed fork after every test passed. Applied to every test class of the
 * module (autodetected: {@code junit-platform.properties}).
 */
public final class BrokerLifecycle implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(BrokerLifecycle.class,
                key -> (AutoCloseable) TestBroker::close, AutoCloseable.class);
    }
}
