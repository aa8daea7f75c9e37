package io.facestream.bench.gallery;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.facestream.face.EmbeddingModel;
import io.facestream.matcher.MatcherService;
import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.Gallery;
import io.facestream.matcher.gallery.GalleryCache;
import io.facestream.matcher.gallery.PersonRepository;
import redis.clients.jedis.JedisPooled;

/**
 * A matcher's start with N enrolled people: the gallery loaded from PostgreSQL (refilling Redis on the way), then from
 * Redis, through the service's own {@link Galleries}. Uses a schema and a Redis prefix of its own, dropped at the end.
 *
 * <pre>
 * java -cp ... io.facestream.bench.gallery.GalleryLoadBench [--people 100000] [--out target/gallery-load.md]
 *      [--schema gallery_bench] [--redis-prefix gallery-bench:] [--keep false]
 * </pre>
 * {@code --keep true} leaves the schema and the Redis keys in place, and a later run with the same schema and as many
 * people reuses them instead of inserting again (a million take ~10 minutes to insert here); the last run should be
 * without it, so that everything is dropped.
 */
public final class GalleryLoadBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int people = Integer.parseInt(options.getOrDefault("people", "100000"));
        String schema = options.getOrDefault("schema", "gallery_bench");
        String prefix = options.getOrDefault("redis-prefix", "gallery-bench:");
        Path out = Path.of(options.getOrDefault("out", "bench/target/gallery-load.md"));
        boolean keep = Boolean.parseBoolean(options.getOrDefault("keep", "false"));
        EmbeddingModel model = EmbeddingModel.parse(RealFaces.MODEL);
        SyntheticFaces synthetic = new SyntheticFaces(RealFaces.load(Path.of(options.getOrDefault("data", "../shared/data")),
                Path.of(options.getOrDefault("real-cache", "bench/target/gallery-real-faces.bin"))));

        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(options.getOrDefault("database-url", "jdbc:postgresql://127.0.0.1:5432/test") + "?reWriteBatchedInserts=true");
        hikari.setUsername("postgres");
        hikari.setSchema(schema);
        hikari.setMaximumPoolSize(2);
        String started = Report.uptime();
        try (HikariDataSource dataSource = new HikariDataSource(hikari);
             JedisPooled redis = new JedisPooled(java.net.URI.create(options.getOrDefault("redis-url", "redis://127.0.0.1:6379")))) {
            try {
                MatcherService.migrate(dataSource, schema);
                long t0 = System.nanoTime();
                double insertS = Double.NaN;
                if (count(dataSource) == people) {
                    System.out.printf(Locale.ROOT, "reusing the %,d people kept in schema %s%n", people, schema);
                } else {
                    insert(dataSource, people, model.name(), synthetic);
                    insertS = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "inserted %,d people in %.1f s%n", people, insertS);
                }
                // As autovacuum would have by the time a matcher restarts: without statistics on freshly inserted tables
                // the planner sorted all million rows (2 GB, on disk) before the cursor's first fetch.
                try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                    st.execute("analyze person");
                    st.execute("analyze face_embedding");
                }
                PersonRepository repository = new PersonRepository(dataSource);
                GalleryCache cache = new GalleryCache(redis, prefix);

                // A cache kept by an earlier run would be read first: the first start must come from PostgreSQL.
                redis.del(prefix + "gallery:" + model.name() + ":complete");
                System.gc();
                long heapBefore = heap();
                long t1 = System.nanoTime();
                long c1 = cpu();
                Galleries cold = new Galleries(repository, cache, List.of(model), m -> Gallery.Matching.BEST_OF);
                double coldS = (System.nanoTime() - t1) / 1e9;
                double coldCpu = (cpu() - c1) / 1e9;
                int loaded = cold.of(model.name()).size();
                System.gc();
                long heapAfter = heap();
                System.out.printf(Locale.ROOT, "postgresql -> memory + redis: %,d people in %.1f s, heap %+,d B a person%n", loaded, coldS,
                        (heapAfter - heapBefore) / Math.max(1, loaded));
                cold = null;
                System.gc();
                long t2 = System.nanoTime();
                long c2 = cpu();
                Galleries warm = new Galleries(repository, cache, List.of(model), m -> Gallery.Matching.BEST_OF);
                double warmS = (System.nanoTime() - t2) / 1e9;
                double warmCpu = (cpu() - c2) / 1e9;
                System.out.printf(Locale.ROOT, "redis -> memory: %,d people in %.1f s%n", warm.of(model.name()).size(), warmS);
                String markdown = String.format(Locale.ROOT, """
                        | people | insert into PostgreSQL (bench setup, s) | start from PostgreSQL, refilling Redis: wall s (this JVM's CPU s) | start from Redis: wall s (CPU s) | heap a person after load (B) | load average start / end |
                        |---|---|---|---|---|---|
                        | %,d | %s | %.1f (%.1f) | %.1f (%.1f) | %,d | %s / %s |
                        """, people, Double.isNaN(insertS) ? "kept from an earlier run" : String.format(Locale.ROOT, "%.1f", insertS), coldS, coldCpu, warmS, warmCpu, (heapAfter - heapBefore) / Math.max(1, loaded), started, Report.uptime());
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, markdown);
                System.out.print(markdown);
            } finally {
                if (keep) {
                    System.out.printf(Locale.ROOT, "kept schema %s and Redis keys %sgallery:%s*%n", schema, prefix, model.name());
                } else {
                    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                        st.execute("drop schema if exists " + schema + " cascade");
                    }
                    redis.unlink(prefix + "gallery:" + model.name());
                    redis.del(prefix + "gallery:" + model.name() + ":complete");
                }
            }
        }
    }

    private static long count(HikariDataSource dataSource) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("select count(*) from face_embedding")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** This JVM's CPU time, all threads (GC and JIT included): the machine is shared, wall time measures the neighbours too. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long heap() {
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    private static void insert(HikariDataSource dataSource, int people, String model, SyntheticFaces synthetic) throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        try (Connection c = dataSource.getConnection();
             PreparedStatement person = c.prepareStatement("insert into person (id, name) values (?, ?)");
             PreparedStatement face = c.prepareStatement(
                     "insert into face_embedding (person_id, model, dimension, vector, source_frame_id) values (?, ?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 1; i <= people; i++) {
                float[] v = synthetic.photo(synthetic.person(random), random);
                person.setLong(1, i);
                person.setString(2, "person " + i);
                person.addBatch();
                ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(v);
                face.setLong(1, i);
                face.setString(2, model);
                face.setInt(3, v.length);
                face.setBytes(4, bytes.array());
                face.setString(5, "bench-" + i);
                face.addBatch();
                if (i % 1000 == 0 || i == people) {
                    person.executeBatch();
                    face.executeBatch();
                    c.commit();
                }
            }
            c.setAutoCommit(true);
        }
    }
}
