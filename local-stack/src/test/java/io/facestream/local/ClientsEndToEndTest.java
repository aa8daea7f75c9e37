package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;


/**
 * The clients against the whole local stack (real broker, the three services on the real models, the
 * machine's PostgreSQL and Redis): {@code facestream import} on a folder made from the shared photos, and the
 * /demo page in headless Chromium with a fake webcam playing the dev clip.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientsEndToEndTest {

    static final Path DATA = Path.of(System.getProperty("facestream.data.dir", "../../shared/data")).toAbsolutePath().normalize();
    static final String LIN = "Lin-Manuel Miranda";

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

    static TestStack stack;
    static String url;
    static String adminKey;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        // The shared photos and the dev clip are what these clients are tried on; a checkout without them skips this.
        Assumptions.assumeTrue(Files.isDirectory(DATA.resolve("refs")) && Files.isRegularFile(DATA.resolve("video/short_hamilton_clip_part1_0-5s.mp4")),
                "the shared data (" + DATA + ") is not here");
        stack = TestStack.start("clients");
        url = stack.url;
        adminKey = stack.adminKey;
        gateway = stack.gateway;
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }


    static void copy(String from, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        Files.copy(DATA.resolve(from), to, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(1)
    void importEnrolsAFolderPerPersonExplainsEveryRefusalAndAReRunSkipsWhatIsEnrolled() throws Exception {
        Path dir = Files.createTempDirectory("facestream-import");
        copy("refs/obama/obama.jpg", dir.resolve("Barack Obama/obama.jpg"));
        copy("refs/obama/obama2.jpg", dir.resolve("Barack Obama/obama2.jpg"));
        copy("refs/obama/obama.jpg", dir.resolve("Barry/same-as-obama.jpg"));           // duplicate of someone enrolled
        copy("refs/biden/biden.jpg", dir.resolve("Joe Biden/biden.jpg"));
        copy("refs/biden/biden2.jpg", dir.resolve("Joe Biden/biden2.jpg"));
        copy("hard/broken_jpeg_app1.jpg", dir.resolve("Joe Biden/broken.jpg"));        // bad file: 127-byte truncated JPEG
        copy("refs/kit_harington/john1.jpeg", dir.resolve("Kit_Harington/john1.jpeg"));
        copy("refs/kit_harington/john2.jpeg", dir.resolve("Kit_Harington/john2.jpeg"));
        Files.write(dir.resolve("Kit_Harington/blurred.jpg"), blurred("refs/kit_harington/john1.jpeg")); // quality gate
        copy("refs/rose_leslie/img1.jpg", dir.resolve("Rose Leslie/img1.jpg"));
        copy("refs/rose_leslie/img2.jpg", dir.resolve("Rose Leslie/img2.jpg"));
        copy("hard/noface_pilatus800.jpg", dir.resolve("Rose Leslie/aircraft.jpg"));  // no face
        Files.writeString(dir.resolve("Rose Leslie/notes.txt"), "not a photo");        // bad file by its type
        copy("groups/fr_two_people.jpg", dir.resolve("Two People/group.jpg"));         // more than one face
        copy("refs/lin_manuel_miranda/lin-manuel-miranda.png", dir.resolve(LIN + "/lin.png"));
        // Enrolled before, by someone else: the import leaves this person alone.
        assertThat(gateway.register(LIN, DATA.resolve("refs/lin_manuel_miranda/lin-manuel-miranda.png")).status()).isEqualTo(201);

        Cli first = Cli.run("import", dir.toString(), "--url", url, "--api-key", adminKey);
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("Importing 15 photos of 7 people",
                "enrolled: 8 photos (4 new people, 4 faces added to people)",
                "skipped:  1 photos already enrolled",
                "refused:  6 photos: bad file 2, duplicate 1, no face 1, quality gate 1, several faces 1",
                "failed:   0 photos");
        assertThat(first.out()).containsPattern("refused +Barry/same-as-obama.jpg +\\(duplicate: the face matches Barack Obama")
                .containsPattern("refused +Kit_Harington/blurred.jpg +\\(quality gate: .*blurred")
                .containsPattern("refused +Rose Leslie/aircraft.jpg +\\(no face")
                .containsPattern("refused +Joe Biden/broken.jpg +\\(bad file")
                .containsPattern("skipped +" + LIN + "/lin.png +\\(already enrolled: a person named '" + LIN + "' exists");
        assertThat(people()).containsExactlyInAnyOrder("Barack Obama", "Joe Biden", "Kit Harington", "Rose Leslie", LIN);
        assertThat(gateway.get("/api/people?name=Kit").body().at("/items/0/face_count").asInt()).isEqualTo(2);
        // What the import stored is recognized.
        assertThat(gateway.recognize(DATA.resolve("refs/kit_harington/john2.jpeg")).body().at("/recognized_faces/0/name").asText())
                .isEqualTo("Kit Harington");

        Cli again = Cli.run("import", dir.toString(), "--url", url, "--api-key", adminKey);
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("enrolled: 0 photos", "skipped:  9 photos already enrolled",
                "refused:  6 photos: bad file 2, duplicate 1, no face 1, quality gate 1, several faces 1");
        assertThat(people()).hasSize(5);

        // A photo added to a folder later is added to that person; the rest is still skipped.
        copy("refs/rose_leslie/img2.jpg", dir.resolve("Rose Leslie/img2-copy-renamed.jpg"));
        copy("refs/alex_lacamoire/img1.jpg", dir.resolve("Alex Lacamoire/img1.jpg"));
        Cli third = Cli.run("import", dir.toString(), "--url", url, "--api-key", adminKey);
        assertThat(third.out()).containsPattern("skipped +Rose Leslie/img2-copy-renamed.jpg +\\(already enrolled")
                .contains("enrolled: 1 photos (1 new people");
    }

    static java.util.List<String> people() {
        List<String> names = new java.util.ArrayList<>();
        gateway.get("/api/people?size=100").body().get("items").forEach(p -> names.add(p.get("name").asText()));
        return names;
    }

    static byte[] blurred(String photo) throws Exception {
        // As in PipelineEndToEndTest: a 4 px blur makes this face fail the sharpness rule of the quality gate.
        org.opencv.core.Mat image = io.facestream.face.Images.decode(Files.readAllBytes(DATA.resolve(photo)));
        org.opencv.imgproc.Imgproc.GaussianBlur(image, image, new org.opencv.core.Size(0, 0), 4);
        return io.facestream.face.Images.encodeJpeg(image, 92);
    }

    @Test
    @Order(2)
    void demoPageInHeadlessChromiumNamesTheEnrolledPersonOnTheWebcamVideo() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        List<Path> tools = List.of(CHROMIUM, CHROMEDRIVER, FFMPEG);
        List<Path> missing = tools.stream().filter(p -> !Files.isExecutable(p)).toList();
        if (!missing.isEmpty()) {
            String message = "the demo page test needs Debian's chromium, chromium-driver and ffmpeg; missing " + missing
                    + " (apt-get install -y chromium chromium-driver ffmpeg; .ci/run installs them)";
            if (ci) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        if (gateway.get("/api/people?name=Miranda").body().get("total").asInt() == 0) {
            assertThat(gateway.register(LIN, DATA.resolve("refs/lin_manuel_miranda/lin-manuel-miranda.png")).status()).isEqualTo(201);
        }
        long linId = gateway.get("/api/people?name=Miranda").body().at("/items/0/id").asLong();

        Path work = Files.createTempDirectory("facestream-chromium");
        Path clip = work.resolve("clip.y4m");
        // Chromium's fake webcam plays a raw .y4m file in a loop; 15 frames/s of the 640×360 clip is ~26 MB.
        Process ffmpeg = new ProcessBuilder(FFMPEG.toString(), "-hide_banner", "-loglevel", "error", "-y",
                "-i", DATA.resolve("video/short_hamilton_clip_part1_0-5s.mp4").toString(), "-an", "-vf", "fps=15",
                "-pix_fmt", "yuv420p", clip.toString()).redirectErrorStream(true).start();
        String ffmpegOutput = new String(ffmpeg.getInputStream().readAllBytes());
        assertThat(ffmpeg.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(ffmpegOutput).isZero();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--use-file-for-fake-video-capture=" + clip, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + work.resolve("profile"), "--window-size=1060,700");
        // The driver is named, so Selenium Manager never runs (it would try to download one).
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile()).build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(url + "/demo");
            assertThat(browser.getCurrentUrl()).endsWith("/demo/");
            browser.findElement(By.id("api-key")).sendKeys(adminKey);
            browser.findElement(By.id("start")).click();

            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
            wait.withMessage(() -> "faces: " + text(browser, "faces") + "; status: " + text(browser, "status"))
                    .until(d -> text(d, "faces").contains(LIN));
            assertThat(text(browser, "faces")).containsPattern(LIN + " +0\\.\\d\\d");
            assertThat(text(browser, "status")).doesNotStartWith("Disconnected");
            // Let frames flow for a few seconds, so the statistics line (per second) shows the steady state.
            Thread.sleep(6_000);
            wait.until(d -> !text(d, "stats").isEmpty() && text(d, "faces").contains(LIN));
            System.out.println("demo page: " + text(browser, "faces").replace('\n', '|') + " — " + text(browser, "stats"));
            Path screenshot = Path.of("target", "demo.png");
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

            // Enrol the face on screen under another name, with the page's button. What the real API answers depends on
            // the frame: the clip's faces sit at the edge of the quality gate (his eyes are 17–21 px apart against its 20;
            // he turns his head) and, with the permissive pack, of the threshold (0.95 against 0.944). Seen: 409 (it is
            // Lin-Manuel Miranda), 422 (gate) and 201 (a frame that passed the gate but not the threshold). Whichever it
            // is, the page must show that verdict, and the server must hold exactly what it says.
            wait.until(d -> clickFace(d, LIN));
            browser.findElement(By.id("enrol-name")).sendKeys("Not Lin");
            browser.findElement(By.id("enrol")).click();
            wait.until(d -> !text(d, "enrol-result").isEmpty() && !text(d, "enrol-result").equals("Enrolling…"));
            String verdict = text(browser, "enrol-result");
            System.out.println("demo page enrolment: " + verdict);
            assertThat(verdict).matches("Enrolled Not Lin \\(person \\d+\\)\\."
                    + "|Already enrolled as person " + linId + ": the face matches " + LIN + ".*"
                    + "|422 low_quality: the face is not fit for enrolment: .*");
            java.util.regex.Matcher enrolled = java.util.regex.Pattern.compile("Enrolled Not Lin \\(person (\\d+)\\)").matcher(verdict);
            if (enrolled.lookingAt()) {
                var person = gateway.get("/api/people/" + enrolled.group(1)).body();
                assertThat(person.get("name").asText()).isEqualTo("Not Lin");
                assertThat(person.get("face_count").asInt()).isEqualTo(1);
            } else {
                assertThat(people()).doesNotContain("Not Lin");
            }
        } finally {
            browser.quit();
        }
    }

    static String text(WebDriver browser, String id) {
        try {
            return browser.findElement(By.id(id)).getText();
        } catch (StaleElementReferenceException e) {
            return "";
        }
    }

    /** Clicks the listed face with this name (the list is redrawn every frame, so an element may go stale: try again). */
    static boolean clickFace(WebDriver browser, String name) {
        try {
            for (WebElement item : browser.findElements(By.cssSelector("#faces li"))) {
                if (item.getText().startsWith(name)) {
                    item.click();
                    return true;
                }
            }
        } catch (StaleElementReferenceException e) {
            // redrawn meanwhile
        }
        return false;
    }
}
