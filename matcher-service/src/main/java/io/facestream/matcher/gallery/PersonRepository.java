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
import java.util.Optional;

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

    /** A stored face and the person's state after storing it. */
    public record Enrolment(PersonChange person, long storedFaceId) {
    }

    /**
     * Enrols a new person with one face in one transaction. Keyed by the frame that asked for
     * it: when Kafka redelivers that frame after a restart, the same person is returned and
     * nobody is enrolled twice.
     */
    public Enrolment register(String frameId, String name, String model, float[] vector) {
        return storeFace(frameId, null, name, model, vector);
    }

    /** Adds a face to an enrolled person, idempotently by frame like {@link #register}; empty if the person does not exist. */
    public Optional<Enrolment> addFace(String frameId, long personId, String model, float[] vector) {
        try (Connection connection = dataSource.getConnection()) {
            if (!exists(connection, personId)) {
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read person: " + e.getMessage(), e);
        }
        try {
            return Optional.of(storeFace(frameId, personId, null, model, vector));
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof SQLException sql && "23503".equals(sql.getSQLState())) {
                return Optional.empty(); // erased meanwhile
            }
            throw e;
        }
    }

    private Enrolment storeFace(String frameId, Long personId, String name, String model, float[] vector) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                long[] stored = storedBy(connection, frameId);
                if (stored == null) {
                    long owner = personId != null ? personId : insertPerson(connection, name);
                    stored = new long[] {owner, insertFace(connection, owner, frameId, model, vector)};
                    if (personId != null) {
                        touch(connection, personId);
                    }
                }
                connection.commit();
                return new Enrolment(state(connection, stored[0], model), stored[1]);
            } catch (SQLException e) {
                connection.rollback();
                long[] raced = storedBy(connection, frameId);
                if (raced != null) {
                    return new Enrolment(state(connection, raced[0], model), raced[1]);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store face: " + e.getMessage(), e);
        }
    }

    /** What this frame stored, if it was handled before (Kafka redelivers frames after a restart). */
    public Optional<Enrolment> storedBy(String frameId, String model) {
        try (Connection connection = dataSource.getConnection()) {
            long[] stored = storedBy(connection, frameId);
            return stored == null ? Optional.empty() : Optional.of(new Enrolment(state(connection, stored[0], model), stored[1]));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read face: " + e.getMessage(), e);
        }
    }

    /** Person id and face id stored by this frame, or null. */
    private static long[] storedBy(Connection connection, String frameId) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select person_id, id from face_embedding where source_frame_id = ?")) {
            st.setString(1, frameId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
            }
        }
    }

    public boolean exists(long personId) {
        try (Connection connection = dataSource.getConnection()) {
            return exists(connection, personId);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read person: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection connection, long personId) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select 1 from person where id = ?")) {
            st.setLong(1, personId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static long insertPerson(Connection connection, String name) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("insert into person (name) values (?) returning id")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long insertFace(Connection connection, long personId, String frameId, String model, float[] vector) throws SQLException {
        return insertVector(connection, "face_embedding", personId, frameId, model, vector);
    }

    /** A person's vector row in {@code table} (a constant of this class, never input: face_embedding or negative_example); its id. */
    private static long insertVector(Connection connection, String table, long personId, String frameId, String model, float[] vector)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "insert into " + table + " (person_id, model, dimension, vector, source_frame_id) values (?, ?, ?, ?, ?) returning id")) {
            st.setLong(1, personId);
            st.setString(2, model);
            st.setInt(3, vector.length);
            st.setBytes(4, toBytes(vector));
            st.setString(5, frameId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void touch(Connection connection, long personId) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("update person set updated_at = now() where id = ?")) {
            st.setLong(1, personId);
            st.executeUpdate();
        }
    }

    /**
     * Removes one stored face. Empty if the person has no such face; otherwise the person's new state in
     * the face's gallery (with no embeddings left if it was their last face of that recognizer).
     */
    public Optional<PersonChange> removeFace(long personId, long storedFaceId) {
        return removeOwned("face_embedding", personId, storedFaceId, "face");
    }

    /** Renames a person; empty if there is nobody by that id, else their new state in every gallery they are in. */
    public Optional<List<PersonChange>> rename(long personId, String name) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement st = connection.prepareStatement("update person set name = ?, updated_at = now() where id = ?")) {
                st.setString(1, name);
                st.setLong(2, personId);
                if (st.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            List<PersonChange> changes = new ArrayList<>();
            for (String model : models(connection, personId)) {
                changes.add(state(connection, personId, model));
            }
            return Optional.of(changes);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot rename person: " + e.getMessage(), e);
        }
    }

    /**
     * Keeps a face as a negative example of a person ("not this person"), idempotently by frame; empty if the person
     * does not exist. Returns the person's new state in the face's gallery and the negative example's id.
     */
    public Optional<Enrolment> addNegative(String frameId, long personId, String model, float[] vector) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Long stored = null;
                try (PreparedStatement st = connection.prepareStatement("select id from negative_example where source_frame_id = ?")) {
                    st.setString(1, frameId);
                    try (ResultSet rs = st.executeQuery()) {
                        stored = rs.next() ? rs.getLong(1) : null;
                    }
                }
                if (stored == null) {
                    if (!exists(connection, personId)) {
                        connection.rollback();
                        return Optional.empty();
                    }
                    stored = insertVector(connection, "negative_example", personId, frameId, model, vector);
                    touch(connection, personId);
                }
                connection.commit();
                return Optional.of(new Enrolment(state(connection, personId, model), stored));
            } catch (SQLException e) {
                connection.rollback();
                if ("23503".equals(e.getSQLState())) {
                    return Optional.empty(); // erased meanwhile
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store negative example: " + e.getMessage(), e);
        }
    }

    /** Removes one negative example; empty if the person has no such one, else their new state in its gallery. */
    public Optional<PersonChange> removeNegative(long personId, long negativeId) {
        return removeOwned("negative_example", personId, negativeId, "negative example");
    }

    /** Deletes one row of a person's in {@code table} (a constant of this class, never input) and returns their new state in its gallery. */
    private Optional<PersonChange> removeOwned(String table, long personId, long id, String what) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            String model;
            try (PreparedStatement st = connection.prepareStatement("delete from " + table + " where id = ? and person_id = ? returning model")) {
                st.setLong(1, id);
                st.setLong(2, personId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        connection.rollback();
                        return Optional.empty();
                    }
                    model = rs.getString(1);
                }
            }
            touch(connection, personId);
            connection.commit();
            return Optional.of(state(connection, personId, model));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot remove " + what + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a person and, by cascade, every face embedding of theirs. False if there was nobody by that id. */
    public boolean erase(long personId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement st = connection.prepareStatement("delete from person where id = ?")) {
            st.setLong(1, personId);
            return st.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot erase person: " + e.getMessage(), e);
        }
    }

    private static List<String> models(Connection connection, long personId) throws SQLException {
        List<String> models = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("select distinct model from face_embedding where person_id = ? order by model")) {
            st.setLong(1, personId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    models.add(rs.getString(1));
                }
            }
        }
        return models;
    }

    /** The person's state in one gallery, also when they have no face of that model (an UPSERT with no embeddings). */
    private static PersonChange state(Connection connection, long personId, String model) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select name from person where id = ?")) {
            st.setLong(1, personId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("person " + personId + " vanished");
                }
                String name = rs.getString(1);
                try (PreparedStatement faces = connection.prepareStatement(
                        "select vector from face_embedding where person_id = ? and model = ? order by id")) {
                    faces.setLong(1, personId);
                    faces.setString(2, model);
                    PersonChange change = upsert(personId, name, model);
                    try (ResultSet vectors = faces.executeQuery()) {
                        while (vectors.next()) {
                            change.getEmbeddings().add(Values.floatList(toFloats(vectors.getBytes(1))));
                        }
                    }
                    try (PreparedStatement negatives = connection.prepareStatement(
                            "select vector from negative_example where person_id = ? and model = ? order by id")) {
                        negatives.setLong(1, personId);
                        negatives.setString(2, model);
                        try (ResultSet vectors = negatives.executeQuery()) {
                            while (vectors.next()) {
                                change.getNegatives().add(Values.floatList(toFloats(vectors.getBytes(1))));
                            }
                        }
                    }
                    return change;
                }
            }
        }
    }

    /** Every person with at least one face of this model, as the changes that would build the gallery from nothing. */
    public List<PersonChange> loadGallery(String model) {
        List<PersonChange> people = new ArrayList<>();
        forEachPerson(model, people::add);
        return people;
    }

    /**
     * The same, streamed person by person: rows come through a cursor 1,000 at a time (pgjdbc fetches everything at
     * once otherwise, ~2 GB for a million faces), and only one person's change is held at a time.
     */
    public void forEachPerson(String model, java.util.function.Consumer<PersonChange> each) {
        try (Connection connection = dataSource.getConnection()) {
            // Negative examples are few (one per wrong name a user reported): held in memory and attached as people stream by.
            Map<Long, List<List<Float>>> negatives = negatives(connection, model);
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false); // a cursor needs a transaction
            try (PreparedStatement st = connection.prepareStatement(
                    "select p.id, p.name, e.vector from person p join face_embedding e on e.person_id = p.id "
                            + "where e.model = ? order by p.id, e.id")) {
                st.setFetchSize(1000);
                // Binary results: pgjdbc otherwise receives each bytea as hex text (4 KB a face) and decodes it byte by
                // byte, 5 % of a million-person start's CPU (JFR, docs/gallery.md). A negative threshold forces binary.
                st.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
                st.setString(1, model);
                try (ResultSet rs = st.executeQuery()) {
                    PersonChange person = null;
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        if (person == null || person.getPersonId() != id) {
                            if (person != null) {
                                each.accept(person);
                            }
                            person = upsert(id, rs.getString(2), model);
                            person.setNegatives(negatives.getOrDefault(id, new ArrayList<>()));
                        }
                        person.getEmbeddings().add(Values.floatList(toFloats(rs.getBytes(3))));
                    }
                    if (person != null) {
                        each.accept(person);
                    }
                }
            } finally {
                connection.commit();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load gallery: " + e.getMessage(), e);
        }
    }

    private static Map<Long, List<List<Float>>> negatives(Connection connection, String model) throws SQLException {
        Map<Long, List<List<Float>>> byPerson = new java.util.HashMap<>();
        try (PreparedStatement st = connection.prepareStatement("select person_id, vector from negative_example where model = ? order by id")) {
            st.setString(1, model);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    byPerson.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(Values.floatList(toFloats(rs.getBytes(2))));
                }
            }
        }
        return byPerson;
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
                .setEmbeddings(new ArrayList<>()).setNegatives(new ArrayList<>()).setChangedAt(Instant.now()).build();
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
