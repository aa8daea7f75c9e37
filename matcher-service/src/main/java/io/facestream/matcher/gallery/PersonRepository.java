package io.facestream.matcher.gallery;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.facestream.schemas.PersonChange;
import io.facestream.schemas.PersonChangeKind;
import io.facestream.schemas.Values;

/** People and their face embeddings in PostgreSQL: the gallery's source of truth. */
public final class PersonRepository {

    private final DataSource dataSource;

    public PersonRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Enrols a new person with one face in one transaction. Keyed by the frame that asked for
     * it: when Kafka redelivers that frame after a restart, the same person is returned and
     * nobody is enrolled twice.
     */
    public PersonChange register(String frameId, String name, String model, float[] vector) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Long existing = personEnrolledBy(connection, frameId);
                long personId = existing != null ? existing : insert(connection, frameId, name, model, vector);
                connection.commit();
                return load(connection, personId, model);
            } catch (SQLException e) {
                connection.rollback();
                Long raced = personEnrolledBy(connection, frameId);
                if (raced != null) {
                    return load(connection, raced, model);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store person: " + e.getMessage(), e);
        }
    }

    private static Long personEnrolledBy(Connection connection, String frameId) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select person_id from face_embedding where source_frame_id = ?")) {
            st.setString(1, frameId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static long insert(Connection connection, String frameId, String name, String model, float[] vector) throws SQLException {
        long personId;
        try (PreparedStatement st = connection.prepareStatement("insert into person (name) values (?) returning id")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                personId = rs.getLong(1);
            }
        }
        try (PreparedStatement st = connection.prepareStatement(
                "insert into face_embedding (person_id, model, dimension, vector, source_frame_id) values (?, ?, ?, ?, ?)")) {
            st.setLong(1, personId);
            st.setString(2, model);
            st.setInt(3, vector.length);
            st.setBytes(4, toBytes(vector));
            st.setString(5, frameId);
            st.executeUpdate();
        }
        return personId;
    }

    private static PersonChange load(Connection connection, long personId, String model) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "select p.id, p.name, e.vector from person p join face_embedding e on e.person_id = p.id "
                        + "where p.id = ? and e.model = ? order by e.id")) {
            st.setLong(1, personId);
            st.setString(2, model);
            return collect(st, model).get(0);
        }
    }

    /** Every person with at least one face of this model, as the changes that would build the gallery from nothing. */
    public List<PersonChange> loadGallery(String model) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement st = connection.prepareStatement(
                     "select p.id, p.name, e.vector from person p join face_embedding e on e.person_id = p.id "
                             + "where e.model = ? order by p.id, e.id")) {
            st.setString(1, model);
            return collect(st, model);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load gallery: " + e.getMessage(), e);
        }
    }

    private static List<PersonChange> collect(PreparedStatement st, String model) throws SQLException {
        Map<Long, PersonChange> people = new LinkedHashMap<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                PersonChange person = people.computeIfAbsent(id, key -> upsert(key, rcName(rs), model));
                person.getEmbeddings().add(Values.floatList(toFloats(rs.getBytes(3))));
            }
        }
        return new ArrayList<>(people.values());
    }

    private static String rcName(ResultSet rs) {
        try {
            return rs.getString(2);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PersonChange upsert(long personId, String name, String model) {
        return PersonChange.newBuilder().setPersonId(personId).setKind(PersonChangeKind.UPSERT).setName(name).setModel(model)
                .setEmbeddings(new ArrayList<>()).setChangedAt(Instant.now()).build();
    }

    static byte[] toBytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    static float[] toFloats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
