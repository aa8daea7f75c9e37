package io.facestream.gateway.people;

import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Component;

import io.facestream.gateway.pipeline.PipelineClient;
import io.facestream.gateway.pipeline.RequestFrames;
import io.facestream.gateway.web.Failures;
import io.facestream.schemas.EnrolledPerson;
import io.facestream.schemas.PeoplePage;

/**
 * Reads who is enrolled by asking the matcher through the pipeline (LIST_PEOPLE, GET_PERSON): the matcher owns the
 * people tables and is their only reader and writer, so the gateway needs no access to them (it owns only api_key).
 * Never the embeddings: they stay with the matcher.
 */
@Component
public class People {

    public record Face(long id, String model, Instant createdAt) {
    }

    public record Person(long id, String name, int faceCount, Instant createdAt, Instant updatedAt) {
    }

    /** @param negatives faces kept as "not this person" (by id and recognizer, like faces) */
    public record PersonDetail(long id, String name, int faceCount, List<Face> faces, Instant createdAt, Instant updatedAt, List<Face> negatives) {
    }

    public record Page(List<Person> items, int page, int size, long total) {
    }

    private final PipelineClient pipeline;

    public People(PipelineClient pipeline) {
        this.pipeline = pipeline;
    }

    /** People whose name contains the filter (any case), by id. */
    public Page list(String nameContains, int page, int size) {
        PeoplePage found = Failures.successful(pipeline.request(RequestFrames.listPeople(nameContains, page, size))).getPeople();
        List<Person> items = found.getItems().stream()
                .map(p -> new Person(p.getPersonId(), p.getName(), p.getFaceCount(), p.getCreatedAt(), p.getUpdatedAt())).toList();
        return new Page(items, page, size, found.getTotal());
    }

    /** @throws io.facestream.gateway.web.ApiException 404 person_not_found */
    public PersonDetail find(long id) {
        EnrolledPerson p = Failures.successful(pipeline.request(RequestFrames.getPerson(id))).getPeople().getItems().get(0);
        List<Face> faces = p.getFaces().stream().map(f -> new Face(f.getId(), f.getModel(), f.getCreatedAt())).toList();
        List<Face> negatives = p.getNegatives().stream().map(f -> new Face(f.getId(), f.getModel(), f.getCreatedAt())).toList();
        return new PersonDetail(p.getPersonId(), p.getName(), p.getFaceCount(), faces, p.getCreatedAt(), p.getUpdatedAt(), negatives);
    }
}
