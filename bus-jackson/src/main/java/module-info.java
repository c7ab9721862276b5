/**
 * Busline's JSON serializer, built on jackson-databind: {@link org.busline.jackson.JacksonSerializer}.
 *
 * <p>Provides {@link org.busline.spi.SerializerProvider}, so a bus with no serializer set finds it on the module
 * path (and, through {@code META-INF/services}, on the class path). Payload classes in named modules must be open
 * to {@code com.fasterxml.jackson.databind}.
 */
module org.busline.jackson {
    requires transitive org.busline;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.fasterxml.jackson.datatype.jsr310;

    exports org.busline.jackson;

    provides org.busline.spi.SerializerProvider with org.busline.jackson.internal.JacksonSerializerProvider;
}
