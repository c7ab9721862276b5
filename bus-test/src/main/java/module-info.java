/**
 * Busline's test kit: tests of the conversations between an application's modules over a bus, and the topology
 * report of who publishes and who consumes what.
 *
 * <p>The entry points are {@link org.busline.test.BusRecorder#attach(org.busline.MessageBus.Builder)} and
 * {@link org.busline.test.Topology#of(org.busline.MessageBus)}. The implementation lives in
 * {@code org.busline.test.internal}, which this module does not export.
 */
module org.busline.test {
    requires transitive org.busline;
    requires transitive org.assertj.core;
    requires transitive org.junit.jupiter.api;

    exports org.busline.test;
}
