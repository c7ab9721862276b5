package org.busline.outbox.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, migrates and checks the outbox's tables, once, when the outbox is built.
 *
 * <p>Design note: the version table holds one row (id 1) with the schema version. Creating is idempotent
 * ({@code IF NOT EXISTS}) and the migration runs under a row lock of that row ({@code SELECT ... FOR UPDATE}), so two
 * instances starting together migrate once. Each version's statements are a list: a new version appends a list and
 * never edits an old one.
 */
final class Schema {
    /** The version this code reads and writes. */
    static final int CURRENT = 1;

    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    private Schema() {
    }

    static void ensure(Connection connection, Dialect dialect, Tables tables, boolean create) throws SQLException {
        String url = connection.getMetaData().getURL();
        if (!create) {
            check(connection, tables, url);
            return;
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + tables.version()
                    + " (id INT PRIMARY KEY, version INT NOT NULL)");
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + tables.version()
                    + " WHERE id = 1")) {
                rows.next();
                if (rows.getInt(1) == 0) {
                    try {
                        statement.executeUpdate("INSERT INTO " + tables.version() + " (id, version) VALUES (1, 0)");
                    } catch (SQLException anotherInstanceWasFirst) {
                        LOG.debug("another instance made the schema version row first", anotherInstanceWasFirst);
                    }
                }
            }
        }
        connection.setAutoCommit(false);
        try {
            int version;
            try (PreparedStatement select = connection.prepareStatement("SELECT version FROM " + tables.version()
                    + " WHERE id = 1 FOR UPDATE"); ResultSet rows = select.executeQuery()) {
                rows.next();
                version = rows.getInt(1);
            }
            if (version > CURRENT) {
                throw newer(tables, version, url);
            }
            for (int next = version + 1; next <= CURRENT; next++) {
                try (Statement statement = connection.createStatement()) {
                    for (String sql : migration(dialect, tables, next)) {
                        statement.execute(sql);
                    }
                    statement.executeUpdate("UPDATE " + tables.version() + " SET version = " + next
                            + " WHERE id = 1");
                }
                LOG.info("outbox schema of {} at {} migrated to version {}", tables.outbox(), url, next);
            }
            connection.commit();
        } catch (SQLException | RuntimeException failure) {
            connection.rollback();
            throw failure;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static List<String> migration(Dialect dialect, Tables tables, int version) {
        if (version == 1) {
            return dialect.createVersion1(tables);
        }
        throw new IllegalStateException("no migration to schema version " + version);
    }

    private static void check(Connection connection, Tables tables, String url) throws SQLException {
        for (String table : List.of(tables.version(), tables.outbox(), tables.inbox())) {
            if (!exists(connection.getMetaData(), table)) {
                throw new IllegalStateException("the outbox's table " + table + " does not exist in " + url
                        + ": create the schema (see bus-outbox's README) or let the outbox create it with "
                        + "Outbox.Builder.createSchema(true)");
            }
        }
        int version;
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM " + tables.version() + " WHERE id = 1")) {
            version = rows.next() ? rows.getInt(1) : 0;
        }
        if (version > CURRENT) {
            throw newer(tables, version, url);
        }
        if (version < CURRENT) {
            throw new IllegalStateException("the outbox's schema in " + url + " is at version " + version
                    + ", but this outbox needs version " + CURRENT
                    + ": migrate it, or let the outbox do it with Outbox.Builder.createSchema(true)");
        }
    }

    private static boolean exists(DatabaseMetaData metaData, String table) throws SQLException {
        for (String name : List.of(table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT))) {
            try (ResultSet rows = metaData.getTables(null, null, name, null)) {
                if (rows.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static IllegalStateException newer(Tables tables, int version, String url) {
        return new IllegalStateException("the outbox's schema of " + tables.outbox() + " in " + url
                + " is at version " + version + ", newer than this outbox's version " + CURRENT
                + ": run a newer bus-outbox");
    }
}
