package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.Rect;

import com.fasterxml.jackson.databind.JsonNode;

import io.facestream.face.Images;
import io.facestream.face.TestData;

/**
 * Issue 14 through the whole pipeline (default pack and threshold): photos cropped so the face fills the frame — profile
 * pictures, ID-card crops — enrol and are recognized from another photo; names in any script, with underscores, come
 * back exactly as given.
 */
class QualityEndToEndTest {

    static final Path DATA = Path.of(System.getProperty("facestream.data.dir", "../../shared/data")).toAbsolutePath().normalize();

    static TestStack stack;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        TestData.dir();
        stack = TestStack.start("quality");
        gateway = stack.gateway;
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void tightlyCroppedPhotosEnrolUnderNamesOfAnyScriptAndAreRecognizedFromAnotherPhoto() throws Exception {
        // enrolment photo (cropped to the face here) → the name, and another photo of the person to recognize
        Map<String, String[]> people = new LinkedHashMap<>();
        people.put("refs/alex_lacamoire/img1.jpg", new String[] {"alex_lacamoire", "refs/alex_lacamoire/alex-lacamoire.png"});
        people.put("refs/obama/obama.jpg", new String[] {"باراك أوباما", "refs/obama/obama2.jpg"});
        people.put("refs/biden/biden2.jpg", new String[] {"Джо Байден", "refs/biden/biden.jpg"});
        people.put("refs/kit_harington/john1.jpeg", new String[] {"キット・ハリントン", "refs/kit_harington/john2.jpeg"});
        people.put("refs/rose_leslie/img1.jpg", new String[] {"Rose Leslie-O\u2019Brien", "refs/rose_leslie/img2.jpg"});
        people.put("refs/lin_manuel_miranda/lin-manuel-miranda.png", new String[] {"Lin-Manuel Miranda (林-曼努埃尔·米兰达)", null});
        for (var person : people.entrySet()) {
            byte[] crop = faceCrop(DATA.resolve(person.getKey()));
            Gateway.Answer registered = gateway.upload("/api/recognition/register", "crop.jpg", crop, person.getValue()[0]);
            assertThat(registered.status()).as(person.getKey() + " cropped: " + registered.body()).isEqualTo(201);
            long id = registered.body().get("id").asLong();
            assertThat(gateway.get("/api/people/" + id).body().get("name").asText()).isEqualTo(person.getValue()[0]);
            if (person.getValue()[1] != null) {
                Gateway.Answer recognized = gateway.recognize(DATA.resolve(person.getValue()[1]));
                JsonNode known = recognized.body().get("recognized_faces");
                assertThat(known).as(person.getValue()[1] + ": " + recognized.body()).isNotEmpty();
                assertThat(known.get(0).get("name").asText()).isEqualTo(person.getValue()[0]);
                assertThat(known.get(0).get("id").asLong()).isEqualTo(id);
                assertThat(recognized.body().get("threshold_reason").asText()).isNotBlank();
            }
        }
        JsonNode found = gateway.get("/api/people?name=Байден").body().get("items");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("name").asText()).isEqualTo("Джо Байден");
    }

    /**
     * The photo cut to a square around its face, 1.1 times the box's longer side, shrunk to 150×150: the face fills the
     * frame, as in face datasets' crops and ID photos (the 150×150 reference crops were refused with no_face).
     */
    static byte[] faceCrop(Path photo) throws Exception {
        JsonNode box = gateway.detect(photo).body().get("faces").get(0);
        Mat image = Images.decode(Files.readAllBytes(photo));
        int side = (int) Math.round(1.1 * Math.max(box.get(2).asInt(), box.get(3).asInt()));
        int cx = box.get(0).asInt() + box.get(2).asInt() / 2, cy = box.get(1).asInt() + box.get(3).asInt() / 2;
        int x0 = Math.max(0, cx - side / 2), y0 = Math.max(0, cy - side / 2);
        Mat crop = image.submat(new Rect(x0, y0, Math.min(image.cols(), x0 + side) - x0, Math.min(image.rows(), y0 + side) - y0));
        Mat small = Images.resize(crop, 150.0 / Math.max(crop.cols(), crop.rows()));
        byte[] jpeg = Images.encodeJpeg(small, 92);
        small.release();
        image.release();
        return jpeg;
    }
}
