package org.busline.tests;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.simple.SimpleServiceProvider;

/**
 * A test SLF4J provider that records every logging call, at every level, and prints what slf4j-simple's
 * configuration ({@code simplelogger.properties}) lets through. The POM's surefire configuration names it
 * ({@code slf4j.provider}), as slf4j-simple's own loggers cannot be read back.
 */
public final class CapturedLogs extends SimpleServiceProvider {
    /** One logging call. */
    public record Event(String logger, Level level, String message, Throwable throwable) {
    }

    private static final Queue<Event> EVENTS = new ConcurrentLinkedQueue<>();

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

    @Override
    public ILoggerFactory getLoggerFactory() {
        ILoggerFactory simple = super.getLoggerFactory();
        return name -> loggers.computeIfAbsent(name, n -> new Capturing(n, simple.getLogger(n)));
    }

    /** The calls recorded so far whose message contains {@code text}, in order. */
    public static List<Event> containing(String text) {
        return EVENTS.stream().filter(event -> event.message().contains(text)).toList();
    }

    /** Every call recorded so far, in order. */
    public static List<Event> all() {
        return List.copyOf(EVENTS);
    }

    @SuppressWarnings("serial")
    private static final class Capturing extends LegacyAbstractLogger {
        private final transient Logger printer;

        Capturing(String name, Logger printer) {
            this.name = name;
            this.printer = printer;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            EVENTS.add(new Event(name, level, message, throwable));
            if (printer.isEnabledForLevel(level)) {
                printer.atLevel(level).setCause(throwable).log(message);
            }
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }
}
