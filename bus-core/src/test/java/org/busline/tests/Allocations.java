package org.busline.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;

/** Bytes a thread has allocated, for the tests that count allocation (speed is measured with JMH, not here). */
final class Allocations {
    private Allocations() {
    }

    /**
     * Through reflection, because the tests compile inside module org.busline, which reads no management module;
     * skips the test on a JVM that cannot count.
     */
    static long allocatedBytes(long threadId) throws Exception {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Class<?> extended;
        try {
            extended = Class.forName("com.sun.management.ThreadMXBean");
        } catch (ClassNotFoundException e) {
            extended = null;
        }
        assumeTrue(extended != null && extended.isInstance(bean), "this JVM cannot count allocated bytes");
        Method allocated = extended.getMethod("getThreadAllocatedBytes", long.class);
        return (Long) allocated.invoke(bean, threadId);
    }
}
