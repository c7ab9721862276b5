package org.busline.outbox.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;
import javax.sql.DataSource;
import org.busline.MessageBus;
import org.busline.RetryPolicy;
import org.busline.outbox.Outbox;
import org.busline.outbox.TransactionBinding;
import org.busline.spi.Serializer;
import org.busline.spi.SerializerProvider;
import org.busline.spi.TypeRegistry;

/**
 * What {@link Outbox.Builder} collected, checked, immutable.
 *
 * @param dataSource       the database
 * @param bus              the bus
 * @param sinks            the durable subscriptions and sinks, in registration order
 * @param serializer       the serializer of stored envelopes
 * @param tablePrefix      the prefix of the table names
 * @param createSchema     whether to create and migrate the tables
 * @param owner            this instance's lease owner
 * @param relayThreads     the worker threads
 * @param batchSize        the most rows per claim
 * @param maxInFlight      the most rows claimed and not completed
 * @param leaseDuration    the lease of a claim
 * @param deliveryTimeout  how long an acknowledgement may take
 * @param pollInterval     the safety-net poll
 * @param retry            attempts and back-off
 * @param skipDeadRows     whether dead rows let their key through
 * @param retention        how long completed rows are kept
 * @param cleanupBatchSize the most rows per clean-up statement
 * @param clock            the clock
 * @param relay            whether to run a relay
 * @param transactions     the transaction binding, or null
 * @param drainTimeout     how long close waits
 */
public record OutboxConfig(DataSource dataSource, MessageBus bus, List<SinkSpec> sinks, Serializer serializer,
                           String tablePrefix, boolean createSchema, String owner, int relayThreads, int batchSize,
                           int maxInFlight, Duration leaseDuration, Duration deliveryTimeout, Duration pollInterval,
                           RetryPolicy retry, boolean skipDeadRows, Duration retention, int cleanupBatchSize,
                           Clock clock, boolean relay, TransactionBinding transactions, Duration drainTimeout) {

    /**
     * One durable subscription or sink.
     *
     * @param name     its stable name
     * @param patterns the topic names or patterns it receives
     * @param relayed  how a record reaches it
     */
    public record SinkSpec(String name, List<String> patterns, Relayed relayed) {
        @Override
        public String toString() {
            return relayed + " '" + name + "' " + patterns;
        }
    }

    /**
     * Makes the serializer of the first provider found by the service loader.
     *
     * @param types the registry
     * @return the serializer
     * @throws IllegalStateException if no provider is found
     */
    public static Serializer loadSerializer(TypeRegistry types) {
        for (SerializerProvider provider : ServiceLoader.load(SerializerProvider.class)) {
            return provider.create(types);
        }
        throw new IllegalStateException("the outbox found no serializer: add bus-jackson (org.busline:bus-jackson) "
                + "to the class or module path, or set one with Outbox.Builder.serializer(...)");
    }

    /**
     * Makes a lease owner name unique to this outbox.
     *
     * @param busName the bus's name
     * @return the name
     */
    public static String defaultOwner(String busName) {
        String pid;
        try {
            pid = Long.toString(ProcessHandle.current().pid());
        } catch (UnsupportedOperationException unknown) {
            pid = "jvm";
        }
        String owner = busName + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
        return owner.length() <= 200 ? owner : owner.substring(owner.length() - 200);
    }

    /**
     * Connects, checks the database and starts the outbox.
     *
     * @param config the configuration
     * @param types  the registry that names the logical types in the rows
     * @return the running outbox
     */
    public static Outbox start(OutboxConfig config, TypeRegistry types) {
        return DefaultOutbox.start(config, types);
    }
}
