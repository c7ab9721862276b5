/**
 * Busline's transactional outbox: events written in the application's own JDBC transaction and relayed, after the
 * commit, at least once to durable subscriptions and sinks. The entry point is
 * {@link org.busline.outbox.Outbox#builder(javax.sql.DataSource, org.busline.MessageBus)}.
 *
 * <p>Needs a JDBC driver on the path (H2 2.x, PostgreSQL or MariaDB), which the application brings.
 */
module org.busline.outbox {
    requires transitive org.busline;
    requires transitive java.sql;
    requires org.slf4j;

    exports org.busline.outbox;

    uses org.busline.spi.SerializerProvider;
}
