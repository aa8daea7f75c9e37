package io.facestream.matcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

/** The matcher migrates only its own tables, also on a database migrated before the gateway's api_key moved out. */
class MigrationsTest {

    String schema = "migrations_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    HikariDataSource dataSource = dataSource(schema);

    static HikariDataSource dataSource(String schema) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(TestInfra.databaseUrl());
        dataSource.setUsername("postgres");
        dataSource.setSchema(schema);
        return dataSource;
    }

    @AfterEach
    void drop() throws Exception {
        try (var c = dataSource.getConnection(); var st = c.createStatement()) {
            st.execute("drop schema if exists " + schema + " cascade");
        }
        dataSource.close();
    }

    @Test
    void aFreshSchemaGetsThePeopleTablesOnly() throws Exception {
        MatcherService.migrate(dataSource, schema);
        assertThat(tableExists("person")).isTrue();
        assertThat(tableExists("face_embedding")).isTrue();
        assertThat(tableExists("negative_example")).isTrue();
        assertThat(tableExists("api_key")).as("the gateway's table is the gateway's to migrate").isFalse();
    }

    /** Before, one history held V1 (people) and V2 (api_key, now the gateway's): that V2 must not stop the matcher. */
    @Test
    void aSchemaFromTheSharedMigrationsStillMigrates(@TempDir Path old) throws Exception {
        Files.writeString(old.resolve("V2__api_keys.sql"), "create table api_key (id bigserial primary key);");
        Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true)
                .locations("classpath:db/matcher", "filesystem:" + old).load().migrate();
        assertThatCode(() -> MatcherService.migrate(dataSource, schema)).doesNotThrowAnyException();
        assertThat(tableExists("person")).isTrue();
        assertThat(tableExists("negative_example")).as("V3 runs although the old V2 is in the history").isTrue();
    }

    /** The gateway may have created its api_key (and its own history) first. */
    @Test
    void aSchemaWhereTheGatewayWasFirstGetsThePeopleTables() throws Exception {
        try (var c = dataSource.getConnection(); var st = c.createStatement()) {
            st.execute("create schema " + schema);
            st.execute("create table " + schema + ".api_key (id bigserial primary key)");
        }
        MatcherService.migrate(dataSource, schema);
        assertThat(tableExists("person")).isTrue();
    }

    private boolean tableExists(String table) throws Exception {
        try (var c = dataSource.getConnection();
             var st = c.prepareStatement("select 1 from information_schema.tables where table_schema = ? and table_name = ?")) {
            st.setString(1, schema);
            st.setString(2, table);
            try (var rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }
}
