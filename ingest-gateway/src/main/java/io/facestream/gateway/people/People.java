package io.facestream.gateway.people;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads who is enrolled, straight from PostgreSQL. Never the embeddings: they stay with the matcher,
 * which is also the only writer (every change goes through the pipeline so all matchers see it).
 */
@Repository
public class People {

    public record Face(long id, String model, Instant createdAt) {
    }

    public record Person(long id, String name, int faceCount, Instant createdAt, Instant updatedAt) {
    }

    public record PersonDetail(long id, String name, int faceCount, List<Face> faces, Instant createdAt, Instant updatedAt) {
    }

    public record Page(List<Person> items, int page, int size, long total) {
    }

    private final JdbcClient jdbc;

    public People(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** People whose name contains the filter (any case), by id. */
    public Page list(String nameContains, int page, int size) {
        String pattern = nameContains == null ? "%" : "%" + escapeLike(nameContains) + "%";
        long total = jdbc.sql("select count(*) from person where name ilike ? escape '\\'").param(pattern).query(Long.class).single();
        List<Person> items = jdbc.sql("""
                        select p.id, p.name, p.created_at, p.updated_at, count(f.id) as faces
                        from person p left join face_embedding f on f.person_id = p.id
                        where p.name ilike ? escape '\\'
                        group by p.id order by p.id limit ? offset ?""")
                .params(pattern, size, (long) page * size)
                .query((rs, n) -> new Person(rs.getLong("id"), rs.getString("name"), rs.getInt("faces"),
                        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()))
                .list();
        return new Page(items, page, size, total);
    }

    public Optional<PersonDetail> find(long id) {
        List<Face> faces = jdbc.sql("select id, model, created_at from face_embedding where person_id = ? order by id").param(id)
                .query((rs, n) -> new Face(rs.getLong("id"), rs.getString("model"), rs.getTimestamp("created_at").toInstant())).list();
        return jdbc.sql("select id, name, created_at, updated_at from person where id = ?").param(id)
                .query((rs, n) -> new PersonDetail(rs.getLong("id"), rs.getString("name"), faces.size(), faces,
                        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()))
                .optional();
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
