package io.facestream.matcher;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.EnrolledPerson;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PeoplePage;
import io.facestream.schemas.PeopleQuery;
import io.facestream.schemas.StoredFace;

/**
 * Answers the gateway's reads of who is enrolled (LIST_PEOPLE, GET_PERSON). The matcher owns the people tables, so
 * the gateway asks through the pipeline instead of reading them; never an embedding, only ids, names, recognizers and times.
 */
final class PeopleReader {

    private final DataSource dataSource;

    PeopleReader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Outcome handle(EmbeddedFrame frame, MatchResult.Builder result) {
        FrameHeader header = frame.getHeader();
        return switch (header.getOperation()) {
            case LIST_PEOPLE -> list(header.getPeopleQuery(), result);
            case GET_PERSON -> get(header.getPersonId(), result);
            case DETECT, RECOGNIZE, REGISTER, PING, VERIFY, ADD_FACE, REMOVE_FACE, RENAME, ERASE, ADD_NEGATIVE, REMOVE_NEGATIVE ->
                    throw new IllegalArgumentException(header.getOperation() + " reads no people");
        };
    }

    private Outcome list(PeopleQuery query, MatchResult.Builder result) {
        if (query == null || query.getPage() < 0 || query.getSize() < 1) {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, "LIST_PEOPLE needs a page of 0 or more and a size of 1 or more");
        }
        String pattern = query.getNameContains() == null ? "%" : "%" + escapeLike(query.getNameContains()) + "%";
        try (Connection connection = dataSource.getConnection()) {
            long total;
            try (PreparedStatement st = connection.prepareStatement("select count(*) from person where name ilike ? escape '\\'")) {
                st.setString(1, pattern);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<EnrolledPerson> items = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement("""
                    select p.id, p.name, p.created_at, p.updated_at, count(f.id) as faces
                    from person p left join face_embedding f on f.person_id = p.id
                    where p.name ilike ? escape '\\'
                    group by p.id order by p.id limit ? offset ?""")) {
                st.setString(1, pattern);
                st.setInt(2, query.getSize());
                st.setLong(3, (long) query.getPage() * query.getSize());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        items.add(person(rs, rs.getInt("faces"), List.of()));
                    }
                }
            }
            return new Outcome(result.setPeople(new PeoplePage(items, total)).build());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list people: " + e.getMessage(), e);
        }
    }

    private Outcome get(Long personId, MatchResult.Builder result) {
        if (personId == null) {
            return Outcome.failed(result, ErrorCode.INVALID_REQUEST, "GET_PERSON needs a person id");
        }
        try (Connection connection = dataSource.getConnection()) {
            List<StoredFace> faces = stored(connection, "face_embedding", personId);
            List<StoredFace> negatives = stored(connection, "negative_example", personId);
            try (PreparedStatement st = connection.prepareStatement("select id, name, created_at, updated_at from person where id = ?")) {
                st.setLong(1, personId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Outcome.failed(result, ErrorCode.PERSON_NOT_FOUND, "person " + personId + " does not exist");
                    }
                    EnrolledPerson person = person(rs, faces.size(), faces);
                    person.setNegatives(negatives);
                    return new Outcome(result.setPeople(new PeoplePage(List.of(person), 1L)).build());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read person: " + e.getMessage(), e);
        }
    }

    /** A person's faces or negative examples, by id and recognizer (never the vectors). */
    private static List<StoredFace> stored(Connection connection, String table, long personId) throws SQLException {
        List<StoredFace> out = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("select id, model, created_at from " + table + " where person_id = ? order by id")) {
            st.setLong(1, personId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredFace(rs.getLong("id"), rs.getString("model"), rs.getTimestamp("created_at").toInstant()));
                }
            }
        }
        return out;
    }

    private static EnrolledPerson person(ResultSet rs, int faceCount, List<StoredFace> faces) throws SQLException {
        return new EnrolledPerson(rs.getLong("id"), rs.getString("name"), faceCount, faces,
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(), new ArrayList<>());
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
