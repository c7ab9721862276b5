package org.busline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.DeadMessage;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.tests.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A message that reaches nobody is visible by default: WARN once per topic, then DEBUG. */
class DeadMessageLogTest {
    private static final Topic<String> NAMED = Topic.of("greetings", String.class);

    private static final AtomicInteger LOGGERS = new AtomicInteger();

    /** A logger of its own for each test, read back through the test provider {@link CapturedLogs}. */
    private static final class RecordingLogger {
        final Logger logger =
                LoggerFactory.getLogger(DeadMessageLogTest.class.getName() + "." + LOGGERS.incrementAndGet());

        /** What was logged to this logger, as {@code "LEVEL message"}, in order. */
        List<String> lines() {
            return CapturedLogs.all().stream().filter(event -> event.logger().equals(logger.getName()))
                    .map(event -> event.level() + " " + event.message()).toList();
        }
    }

    @Test
    void warnsOncePerTopicThenLogsAtDebug() {
        RecordingLogger log = new RecordingLogger();
        DeadMessageLog dead = new DeadMessageLog("shop", log.logger, topic -> null);

        dead.accept(new DeadMessage(Envelope.of(NAMED, "hello")));
        dead.accept(new DeadMessage(Envelope.of(NAMED, "again")));
        dead.accept(new DeadMessage(Envelope.of(Topic.of(Integer.class), 1)));

        assertThat(log.lines()).hasSize(3);
        assertThat(log.lines().get(0)).startsWith("WARN Bus 'shop': message ").contains("topic 'greetings'")
                .contains("reached no subscriber").contains("onDeadMessage");
        assertThat(log.lines().get(1)).startsWith("DEBUG ").contains("topic 'greetings'");
        assertThat(log.lines().get(2)).startsWith("WARN ").contains("topic 'java.lang.Integer'");
    }

    @Test
    void theBusWarnsOfANamedTopicWhoseTypeTopicHasSubscribers() {
        try (DefaultMessageBus bus = (DefaultMessageBus) MessageBus.builder().name("shop").build()) {
            bus.subscribe(String.class, text -> { });
            RecordingLogger log = new RecordingLogger();
            DeadMessageLog dead = new DeadMessageLog("shop", log.logger, bus.deadTopicHint());

            dead.accept(new DeadMessage(Envelope.of(NAMED, "hello")));

            assertThat(log.lines()).singleElement().asString().startsWith("WARN ")
                    .contains("the type topic java.lang.String has subscribers");
        }
    }
}
