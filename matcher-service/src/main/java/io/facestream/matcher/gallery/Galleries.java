package io.facestream.matcher.gallery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.facestream.face.EmbeddingModel;
import io.facestream.schemas.PersonChange;

/**
 * One in-memory gallery per recognizer, loaded at start from the Redis cache or else from
 * PostgreSQL. Loaded eagerly, before the people topic is followed, so no change can fall
 * between the load and the first change applied.
 */
public final class Galleries {

    private static final Logger log = LoggerFactory.getLogger(Galleries.class);

    private final PersonRepository repository;
    private final GalleryCache cache;
    private final Map<String, Gallery> byModel = new ConcurrentHashMap<>();

    public Galleries(PersonRepository repository, GalleryCache cache, Iterable<EmbeddingModel> models,
                     Function<EmbeddingModel, Gallery.Matching> matching) {
        this.repository = repository;
        this.cache = cache;
        for (EmbeddingModel model : models) {
            byModel.put(model.name(), load(model.name(), matching.apply(model)));
        }
    }

    /** The gallery of a recognizer, or null if this matcher has no calibrated threshold for it. */
    public Gallery of(String model) {
        return byModel.get(model);
    }

    /** Streamed from Redis, or else from PostgreSQL while refilling Redis: no list of a million people in between. */
    private Gallery load(String model, Gallery.Matching matching) {
        long start = System.nanoTime();
        Gallery gallery = new Gallery(model, matching);
        String from = "redis";
        if (!cache.forEach(model, gallery::apply)) {
            from = "postgresql";
            try (GalleryCache.Filler filler = cache.filler(model)) {
                repository.forEachPerson(model, person -> {
                    gallery.apply(person);
                    filler.add(person);
                });
                filler.complete();
            }
        }
        log.info("gallery {}: {} people ({} faces) loaded from {} in {} ms", model, gallery.size(), gallery.faces(), from,
                (System.nanoTime() - start) / 1_000_000);
        return gallery;
    }

    public Iterable<Gallery> all() {
        return byModel.values();
    }

    /** A change seen on the people topic, or made by this instance. */
    public void apply(PersonChange change) {
        Gallery gallery = byModel.get(change.getModel());
        if (gallery != null) {
            gallery.apply(change);
        }
    }
}
