package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.core.io.ByteArrayResource;

import com.fasterxml.jackson.databind.JsonNode;

import io.facestream.face.TestData;

/**
 * Enrolling a stranger's faces as one person in one call (POST /api/people/from-faces), through the whole pipeline on the
 * real models: what a cluster of unknown faces becomes once an admin names it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnrolFromFacesEndToEndTest {


    static Path data;
    static TestStack stack;
    static Gateway gateway;
    static long personId;

    @BeforeAll
    static void start() throws Exception {
        data = TestData.dir();
        stack = TestStack.start("faces");
        gateway = stack.gateway;
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    static Path photo(String relative) {
        return data.resolve(relative);
    }

    static ByteArrayResource blurred(String relative) throws Exception {
        // As in PipelineEndToEndTest, where 4 px of blur on a face 52 px between the eyes fails the sharpness rule of the quality
        // gate; these press photos are 2500 px wide, so first shrunk to 640 px (faces about 60-90 px between the eyes), then 6 px.
        org.opencv.core.Mat full = io.facestream.face.Images.decode(Files.readAllBytes(photo(relative)));
        org.opencv.core.Mat image = io.facestream.face.Images.resize(full, 640.0 / full.cols());
        org.opencv.imgproc.Imgproc.GaussianBlur(image, image, new org.opencv.core.Size(0, 0), 6);
        byte[] bytes = io.facestream.face.Images.encodeJpeg(image, 92);
        return new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return "blurred.jpg";
            }
        };
    }

    static List<String> names(String filter) {
        List<String> names = new ArrayList<>();
        gateway.get("/api/people?size=100&name=" + filter).body().get("items").forEach(p -> names.add(p.get("name").asText()));
        return names;
    }

    @Test
    @Order(1)
    void severalPhotosOfOneStrangerBecomeOnePersonAndABlurredFaceIsRefusedWithItsReason() throws Exception {
        Gateway.Answer answer = gateway.postForm("/api/people/from-faces", "name", "Deepface One",
                "file", photo("deepface/images/img1.jpg"), "file", photo("deepface/images/img2.jpg"),
                "file", blurred("deepface/images/img4.jpg"), "file", photo("deepface/images/img5.jpg"));

        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(201);
        JsonNode person = answer.body().get("person");
        personId = person.get("id").asLong();
        assertThat(person.get("name").asText()).isEqualTo("Deepface One");
        assertThat(person.get("face_count").asInt()).isEqualTo(3);
        assertThat(answer.body().get("enrolled")).extracting(e -> e.get("face").get("index").asInt()).containsExactly(0, 1, 3);
        JsonNode refused = answer.body().get("refused");
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).get("face").get("index").asInt()).isEqualTo(2);
        assertThat(refused.get(0).get("face").get("part").asText()).isEqualTo("file");
        assertThat(refused.get(0).get("error").asText()).isEqualTo("low_quality");
        assertThat(refused.get(0).get("message").asText()).contains("blurred");

        // One person, recognized from a photo that was not enrolled.
        assertThat(names("Deepface")).containsExactly("Deepface One");
        JsonNode recognized = gateway.recognize(photo("deepface/images/img7.jpg")).body().get("recognized_faces");
        assertThat(recognized).singleElement().satisfies(f -> assertThat(f.get("id").asLong()).isEqualTo(personId));
    }

    @Test
    @Order(2)
    void facesOfSomeoneEnrolledAreRefusedWithTheirIdAndTheRestFoundTheNewPerson() {
        // A recent face_id counts like a photo: detect it first, as a client holding a stranger's face would.
        String faceId = gateway.detect(photo("deepface/images/img12.jpg")).body().get("detections").get(0).get("face_id").asText();

        Gateway.Answer answer = gateway.postForm("/api/people/from-faces", "name", "Deepface Two",
                "file", photo("deepface/images/img7.jpg"), "file", photo("deepface/images/img3.jpg"), "face_id", faceId);

        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(201);
        JsonNode refused = answer.body().get("refused").get(0);
        assertThat(refused.get("face").get("index").asInt()).isZero();
        assertThat(refused.get("error").asText()).isEqualTo("already_enrolled");
        assertThat(refused.get("existing_person_id").asLong()).isEqualTo(personId);
        assertThat(answer.body().get("enrolled")).extracting(e -> e.get("face").get("index").asInt()).containsExactly(1, 2);
        assertThat(answer.body().get("enrolled").get(1).get("face").get("face_id").asText()).isEqualTo(faceId);
        assertThat(answer.body().get("person").get("face_count").asInt()).isEqualTo(2);
        assertThat(answer.body().get("person").get("id").asLong()).isNotEqualTo(personId);
    }

    @Test
    @Order(3)
    void whenEveryFaceIsRefusedNobodyIsEnrolledAndEachReasonIsGiven() throws Exception {
        Gateway.Answer answer = gateway.postForm("/api/people/from-faces", "name", "Nobody Here",
                "file", blurred("deepface/images/img13.jpg"), "file", photo("hard/noface_pilatus800.jpg"));

        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(422);
        assertThat(answer.body().get("error").asText()).isEqualTo("no_face_enrolled");
        assertThat(answer.body().get("refused")).extracting(r -> r.get("error").asText()).containsExactly("low_quality", "no_face");
        assertThat(names("Nobody")).isEmpty();
    }

    @Test
    @Order(4)
    void badInputStoresNothing() throws Exception {
        ByteArrayResource broken = new ByteArrayResource(Files.readAllBytes(photo("hard/broken_jpeg_app1.jpg"))) {
            @Override
            public String getFilename() {
                return "broken.jpg";
            }
        };
        Gateway.Answer corrupt = gateway.postForm("/api/people/from-faces", "name", "Broken Upload",
                "file", photo("deepface/images/img13.jpg"), "file", broken);
        assertThat(corrupt.status()).isEqualTo(400);
        assertThat(corrupt.body().get("error").asText()).isEqualTo("invalid_image");

        assertThat(gateway.postForm("/api/people/from-faces", "name", "Broken Upload", "face_id", "not-a-face-id").body().get("error").asText())
                .isEqualTo("invalid_face_id");
        assertThat(gateway.postForm("/api/people/from-faces", "name", "Broken Upload").body().get("error").asText()).isEqualTo("missing_field");
        Object[] nine = new Object[20];
        nine[0] = "name";
        nine[1] = "Broken Upload";
        for (int i = 0; i < 9; i++) {
            nine[2 + 2 * i] = "face_id";
            nine[3 + 2 * i] = UUID.randomUUID().toString();
        }
        Gateway.Answer tooMany = gateway.postForm("/api/people/from-faces", nine);
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.body().get("message").asText()).contains("at most 8");
        assertThat(gateway.postForm("/api/people/from-faces", "name", "<b>", "file", photo("deepface/images/img13.jpg")).body().get("error").asText())
                .isEqualTo("invalid_name");

        assertThat(names("Broken")).isEmpty();
    }
}
