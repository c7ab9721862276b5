package org.busline.micrometer.internal;

import java.util.Map;
import io.micrometer.context.ThreadLocalAccessor;
import org.slf4j.MDC;

/**
 * The whole SLF4J MDC as one thread-local value: captured as a copy of its map (null when empty, so that a restore
 * with {@code clearMissing} clears it), restored by replacing the map. Stateless, so thread-safe.
 */
public final class MdcAccessor implements ThreadLocalAccessor<Map<String, String>> {
    /** The key of the accessor in a {@link io.micrometer.context.ContextRegistry}. */
    public static final String KEY = "busline.mdc";

    @Override
    public Object key() {
        return KEY;
    }

    @Override
    public Map<String, String> getValue() {
        Map<String, String> copy = MDC.getCopyOfContextMap();
        return copy == null || copy.isEmpty() ? null : copy;
    }

    @Override
    public void setValue(Map<String, String> value) {
        MDC.setContextMap(value);
    }

    @Override
    public void setValue() {
        MDC.clear();
    }

    @Override
    public void restore(Map<String, String> previousValue) {
        MDC.setContextMap(previousValue);
    }

    @Override
    public void restore() {
        MDC.clear();
    }

    @Override
    public String toString() {
        return "MdcAccessor[" + KEY + "]";
    }
}
