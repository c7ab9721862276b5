package org.busline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.DeadMessage;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.Topic;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A message that reaches nobody is visible by default: WARN once per topic, then DEBUG. */
class DeadMessageLogTest {
    private static final Topic<String> NAMED = Topic.of("greetings", String.class);

    /** Records what is logged, at every level. */
    @SuppressWarnings("serial")
    static final class RecordingLogger extends LegacyAbstractLogger {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, arguments));
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

    @Test
    void warnsOncePerTopicThenLogsAtDebug() {
        RecordingLogger log = new RecordingLogger();
        DeadMessageLog dead = new DeadMessageLog("shop", log, topic -> null);

        dead.accept(new DeadMessage(Envelope.of(NAMED, "hello")));
        dead.accept(new DeadMessage(Envelope.of(NAMED, "again")));
        dead.accept(new DeadMessage(Envelope.of(Topic.of(Integer.class), 1)));

        assertThat(log.lines).hasSize(3);
        assertThat(log.lines.get(0)).startsWith("WARN Bus 'shop': message ").contains("topic 'greetings'")
                .contains("reached no subscriber").contains("onDeadMessage");
        assertThat(log.lines.get(1)).startsWith("DEBUG ").contains("topic 'greetings'");
        assertThat(log.lines.get(2)).startsWith("WARN ").contains("topic 'java.lang.Integer'");
    }

    @Test
    void theBusWarnsOfANamedTopicWhoseTypeTopicHasSubscribers() {
        try (DefaultMessageBus bus = (DefaultMessageBus) MessageBus.builder().name("shop").build()) {
            bus.subscribe(String.class, text -> { });
            RecordingLogger log = new RecordingLogger();
            DeadMessageLog dead = new DeadMessageLog("shop", log, bus.deadTopicHint());

            dead.accept(new DeadMessage(Envelope.of(NAMED, "hello")));

            assertThat(log.lines).singleElement().asString().startsWith("WARN ")
                    .contains("the type topic java.lang.String has subscribers");
        }
    }
}
