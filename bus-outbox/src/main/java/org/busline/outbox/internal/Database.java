package org.busline.outbox.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;
import org.busline.outbox.Inbox;
import org.busline.outbox.OutboxException;

/**
 * The outbox's database: its DataSource, dialect and table names, checked once at build time, and the inbox.
 * Immutable and thread-safe.
 */
public final class Database {
    private final DataSource dataSource;
    private final Dialect dialect;
    private final Tables tables;
    private final String url;
    private final Inbox inbox;

    private Database(DataSource dataSource, Dialect dialect, Tables tables, String url, Clock clock) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.tables = tables;
        this.url = url;
        this.inbox = new DefaultInbox(this, clock);
    }

    /**
     * Connects, finds the dialect, checks H2's durability setting and ensures the schema.
     *
     * @param config the configuration
     * @return the checked database
     * @throws IllegalStateException with a message that says what is wrong and how to fix it
     */
    static Database open(OutboxConfig config) {
        Tables tables = Tables.of(config.tablePrefix());
        Connection connection;
        try {
            connection = config.dataSource().getConnection();
        } catch (SQLException | RuntimeException failure) {
            throw new IllegalStateException("the outbox cannot connect to its DataSource " + config.dataSource()
                    + ": " + failure, failure);
        }
        try (connection) {
            String url = connection.getMetaData().getURL();
            Dialect dialect = Dialect.of(connection.getMetaData());
            if (dialect == Dialect.H2) {
                checkWriteDelay(connection, url);
            }
            Schema.ensure(connection, dialect, tables, config.createSchema());
            return new Database(config.dataSource(), dialect, tables, url, config.clock());
        } catch (SQLException failure) {
            throw new IllegalStateException("the outbox cannot use its tables " + tables.outbox() + " and "
                    + tables.inbox() + " in " + config.dataSource() + ": " + failure, failure);
        }
    }

    private static void checkWriteDelay(Connection connection, String url) throws SQLException {
        if (url != null && url.startsWith("jdbc:h2:mem:")) {
            return;
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                     + "WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            if (rows.next() && !"0".equals(rows.getString(1).trim())) {
                throw new IllegalStateException("the H2 database at " + url + " runs with WRITE_DELAY="
                        + rows.getString(1) + ": acknowledged commits can be lost when the process dies; add "
                        + "';WRITE_DELAY=0' to its JDBC URL");
            }
        }
    }

    /**
     * Returns the DataSource.
     *
     * @return the DataSource
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Returns the dialect.
     *
     * @return the dialect
     */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * Returns the table names.
     *
     * @return the names
     */
    public Tables tables() {
        return tables;
    }

    /**
     * Returns the inbox.
     *
     * @return the inbox
     */
    public Inbox inbox() {
        return inbox;
    }

    /**
     * Opens a connection, auto-commit on.
     *
     * @return the connection
     * @throws SQLException if it cannot
     */
    Connection connect() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        return connection;
    }

    /**
     * Opens a connection that the relay keeps for its claims or its completions: auto-commit off, and on MariaDB READ
     * COMMITTED. MariaDB's default, REPEATABLE READ, keeps a next-key lock on every index entry a claim scans until it
     * commits, so claims, completions and the application's inserts wait for one another and deadlock. PostgreSQL
     * and H2 default to READ COMMITTED, so their connections stay as the pool hands them out.
     *
     * @return the connection
     * @throws SQLException if it cannot
     */
    Connection connectForRelay() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        if (dialect == Dialect.MARIADB) {
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        return connection;
    }

    static OutboxException failure(String what, SQLException cause) {
        return new OutboxException("the outbox failed to " + what + ": " + cause, cause);
    }

    /**
     * The dialect, the URL without its query (a driver's data source may list dozens of properties there, a
     * password among them) and the table: what log lines and errors name.
     */
    @Override
    public String toString() {
        int query = url == null ? -1 : url.indexOf('?');
        return dialect + " " + (query < 0 ? url : url.substring(0, query)) + " (" + tables.outbox() + ")";
    }

    /** The inbox table. */
    private static final class DefaultInbox implements Inbox {
        private final Database database;
        private final Clock clock;

        DefaultInbox(Database database, Clock clock) {
            this.database = database;
            this.clock = clock;
        }

        @Override
        public boolean markHandled(Connection connection, String consumer, String messageId) {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(consumer, "consumer");
            Objects.requireNonNull(messageId, "messageId");
            try (PreparedStatement insert = connection.prepareStatement(
                    database.dialect.insertInbox(database.tables))) {
                insert.setString(1, consumer);
                insert.setString(2, messageId);
                database.dialect.setTime(insert, 3, clock.instant());
                return insert.executeUpdate() == 1;
            } catch (SQLException failure) {
                if (database.dialect == Dialect.H2 && "23505".equals(failure.getSQLState())) {
                    return false;
                }
                throw failure("record message " + messageId + " for consumer '" + consumer + "' in the inbox "
                        + database.tables.inbox(), failure);
            }
        }

        @Override
        public boolean isHandled(String consumer, String messageId) {
            Objects.requireNonNull(consumer, "consumer");
            Objects.requireNonNull(messageId, "messageId");
            try (Connection connection = database.connect();
                 PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM "
                         + database.tables.inbox() + " WHERE consumer = ? AND message_id = ?")) {
                select.setString(1, consumer);
                select.setString(2, messageId);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getInt(1) > 0;
                }
            } catch (SQLException failure) {
                throw failure("read the inbox " + database.tables.inbox(), failure);
            }
        }

        @Override
        public String toString() {
            return "Inbox[" + database.tables.inbox() + "]";
        }
    }
}
