/**
 * Busline: an embeddable, in-process message bus.
 *
 * <p>The entry point is {@link org.busline.MessageBus#builder()}. Integrations implement the types of
 * {@code org.busline.spi}. The implementation lives in {@code org.busline.internal}, which this module does not
 * export.
 */
module org.busline {
    requires org.slf4j;

    exports org.busline;
    exports org.busline.spi;

    uses org.busline.spi.SerializerProvider;
    uses org.busline.spi.BusFactory;

    provides org.busline.spi.BusFactory with org.busline.internal.DefaultBusFactory;
}
