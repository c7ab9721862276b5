/**
 * Busline's observability on Micrometer: {@link org.busline.micrometer.BusObservability}.
 *
 * <p>Micrometer's jars are automatic modules (named by their manifests: {@code micrometer.observation},
 * {@code micrometer.core}, {@code micrometer.commons}, {@code context.propagation}, {@code micrometer.tracing}).
 * Micrometer Tracing is optional: only {@link org.busline.micrometer.BusTracing} needs it.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module org.busline.micrometer {
    requires transitive org.busline;
    requires transitive micrometer.observation;
    requires transitive micrometer.commons;
    requires transitive micrometer.core;
    requires transitive context.propagation;
    requires static micrometer.tracing;
    requires org.slf4j;

    exports org.busline.micrometer;
}
