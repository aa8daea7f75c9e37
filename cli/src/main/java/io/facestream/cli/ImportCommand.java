package io.facestream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code facestream import DIR}: one folder per person, photos inside. See the footer (and README, "Import")
 * for how a re-run knows what is already enrolled.
 */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = Facestream.Version.class,
        description = {"Enrol people from DIR: one folder per person, named as the person ('_' reads as a space), "
                + "with their photos inside (.jpg, .jpeg, .png). Needs an admin key.",
                "The first photo a person's enrolment accepts creates them (refused as a duplicate if the face is already "
                        + "enrolled as someone); their other photos are added to them. Every photo passes the server's "
                        + "enrolment quality gate."},
        footer = {"", "Re-runs: every stored photo is written to DIR/" + ImportLedger.FILE_NAME + " (its sha256, person and face id). "
                + "A re-run skips a photo listed there while the gateway still has that face, and adds new photos of a person "
                + "to them. A folder whose name matches a person enrolled otherwise (not by an import of this folder) is "
                + "skipped as already enrolled, unless --add-to-existing.",
                "", "Exit codes: 0 done (refused photos included), 1 a photo failed on the server or the import could not run, 2 usage."})
final class ImportCommand implements Callable<Integer> {

    static final int PAGE = 100;
    private static final int MAX_RATE_LIMIT_RETRIES = 5;

    enum Kind { ENROLLED, SKIPPED, REFUSED, FAILED }

    /** What happened to one photo; {@code reason} is a refusal's category ("no face", "duplicate", ...). */
    record Outcome(Kind kind, String reason, String detail) {
    }

    @Mixin
    GatewayOptions gateway;

    @Parameters(paramLabel = "DIR", description = "folder with one sub-folder of photos per person")
    Path dir;

    @Option(names = "--add-to-existing", description = "add the photos of a folder to a person of that name enrolled otherwise, instead of skipping it")
    boolean addToExisting;

    @Option(names = "--record", paramLabel = "FILE", description = "where the import keeps what it stored (default: DIR/" + ImportLedger.FILE_NAME + ")")
    Path recordFile;

    @Spec
    CommandSpec spec;

    private GatewayClient client;
    private ImportLedger ledger;
    private final Map<Kind, Integer> counts = new TreeMap<>();
    private final Map<String, Integer> refusedBy = new TreeMap<>();
    private final List<String> refusals = new ArrayList<>();
    private int newPeople;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(dir)) {
            throw new CliException(dir + " is not a folder");
        }
        Map<Path, List<Path>> people = scan(dir);
        int photos = people.values().stream().mapToInt(List::size).sum();
        if (people.isEmpty()) {
            throw new CliException("no person folders in " + dir + ": put each person's photos in a folder named after them");
        }
        Path record = recordFile != null ? recordFile : dir.resolve(ImportLedger.FILE_NAME);
        if (!Files.isWritable(record.toAbsolutePath().getParent()) || (Files.exists(record) && !Files.isWritable(record))) {
            throw new CliException("cannot write the import record " + record + " (without it a re-run would enrol the photos again); use --record FILE");
        }
        client = gateway.client();
        checkAccess();
        ledger = ImportLedger.open(record, client.base().toString());

        out.printf("Importing %d photos of %d people from %s into %s%n", photos, people.size(), dir, client.base());
        Progress progress = new Progress(out, System.console() != null, photos);
        for (Map.Entry<Path, List<Path>> person : people.entrySet()) {
            importPerson(person.getKey(), person.getValue(), progress);
        }
        progress.finish();
        summary(out, record);
        return count(Kind.FAILED) > 0 ? 1 : 0;
    }

    /** Person folders (sorted by name) and their files, hidden ones left out; loose files in DIR are mentioned, not imported. */
    private Map<Path, List<Path>> scan(Path root) throws IOException {
        Map<Path, List<Path>> people = new TreeMap<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.filter(p -> !hidden(p)).sorted().toList()) {
                if (Files.isDirectory(child)) {
                    try (Stream<Path> files = Files.list(child)) {
                        people.put(child, files.filter(p -> !hidden(p) && Files.isRegularFile(p)).sorted().toList());
                    }
                } else if (!child.equals(recordFile)) {
                    spec.commandLine().getErr().println("ignored " + child.getFileName() + ": photos go into a folder named after the person");
                }
            }
        }
        return people;
    }

    private static boolean hidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }

    private void checkAccess() {
        GatewayClient.Answer answer = client.get("/api/people?size=1");
        if (answer.status() == 401 || answer.status() == 403) {
            throw new CliException("the gateway refused the key (" + answer.status() + " " + answer.error() + "): " + answer.message()
                    + (answer.status() == 403 ? "; importing needs a key with the 'admin' scope" : ""));
        }
        if (!answer.ok()) {
            throw new CliException("the gateway answered " + answer.status() + " " + answer.error() + ": " + answer.message());
        }
    }

    /** A photo by its content's hash; its bytes are read again when it is sent, so a large folder is never held in memory. */
    private record Photo(Path path, String label, String sha256) {
    }

    private void importPerson(Path folder, List<Path> files, Progress progress) {
        String folderName = folder.getFileName().toString();
        // NFC as the gateway stores names: macOS file systems hand out decomposed names (e + combining accent), which
        // would otherwise never equal the stored name on a re-run and enrol the person twice.
        String name = java.text.Normalizer.normalize(folderName.replace('_', ' '), java.text.Normalizer.Form.NFC).replaceAll("\\s+", " ").strip();
        List<Photo> photos = new ArrayList<>();
        for (Path file : files) {
            String label = folder.getFileName() + "/" + file.getFileName();
            String type = contentType(file);
            if (type == null) {
                report(progress, label, new Outcome(Kind.REFUSED, "bad file", "not a JPEG or PNG file (by its extension)"));
                continue;
            }
            try {
                photos.add(new Photo(file, label, sha256(file)));
            } catch (IOException e) {
                report(progress, label, new Outcome(Kind.REFUSED, "bad file", "cannot read it: " + e.getMessage()));
            }
        }
        if (photos.isEmpty()) {
            return;
        }
        Person person;
        try {
            person = findPerson(folderName, name, photos);
        } catch (Refusal refusal) {
            photos.forEach(photo -> report(progress, photo.label(), refusal.outcome));
            return;
        }
        if (person != null && !person.imported() && !addToExisting) {
            Outcome skipped = new Outcome(Kind.SKIPPED, "already enrolled", "a person named '" + person.name() + "' exists (id " + person.id()
                    + ") who was not enrolled by an import of this folder; --add-to-existing adds these photos to them");
            photos.forEach(photo -> report(progress, photo.label(), skipped));
            return;
        }
        for (Photo photo : photos) {
            Optional<ImportLedger.Entry> known = ledger.find(folderName, photo.sha256());
            if (person != null && known.isPresent() && known.get().personId() == person.id() && person.faces().contains(known.get().faceId())) {
                report(progress, photo.label(), new Outcome(Kind.SKIPPED, "already enrolled",
                        "face " + known.get().faceId() + " of person " + person.id()));
                continue;
            }
            Map<String, Object> form = new LinkedHashMap<>();
            GatewayClient.FilePart file;
            try {
                file = new GatewayClient.FilePart(photo.path().getFileName().toString(), contentType(photo.path()), Files.readAllBytes(photo.path()));
            } catch (IOException e) {
                report(progress, photo.label(), new Outcome(Kind.REFUSED, "bad file", "cannot read it: " + e.getMessage()));
                continue;
            }
            GatewayClient.Answer answer;
            if (person == null) {
                form.put("name", name);
                form.put("file", file);
                answer = post("/api/recognition/register", form);
            } else {
                form.put("file", file);
                answer = post("/api/people/" + person.id() + "/faces", form);
            }
            if (!answer.ok()) {
                report(progress, photo.label(), refused(answer));
                continue;
            }
            long faceId = answer.body().path("face_id").asLong();
            String detail;
            if (person == null) {
                person = new Person(answer.body().path("id").asLong(), name, true, new HashSet<>());
                newPeople++;
                detail = "new person " + person.id() + ", face " + faceId;
            } else {
                detail = "added to person " + person.id() + ", face " + faceId;
            }
            person.faces().add(faceId);
            ledger.record(photo.sha256(), person.id(), faceId, folderName + "/" + photo.path().getFileName());
            report(progress, photo.label(), new Outcome(Kind.ENROLLED, null, detail));
        }
    }

    /** @param imported whether an earlier import of this folder created or added to them (the ledger says so) */
    private record Person(long id, String name, boolean imported, Set<Long> faces) {
    }

    private static final class Refusal extends Exception {
        final Outcome outcome;

        Refusal(Outcome outcome) {
            super(outcome.detail(), null, false, false);
            this.outcome = outcome;
        }
    }

    /** The person these photos belong to: the one an earlier import stored them under, else one enrolled under this name, else none yet. */
    private Person findPerson(String folderName, String name, List<Photo> photos) throws Refusal {
        Set<Long> tried = new HashSet<>();
        for (Photo photo : photos) {
            Optional<ImportLedger.Entry> known = ledger.find(folderName, photo.sha256());
            if (known.isPresent() && tried.add(known.get().personId())) {
                Optional<Person> person = person(known.get().personId(), true);
                if (person.isPresent()) {
                    return person.get();
                }
            }
        }
        for (int page = 0; page < 1000; page++) {
            GatewayClient.Answer answer = client.get("/api/people?size=" + PAGE + "&page=" + page + "&name=" + GatewayClient.query(name));
            if (!answer.ok()) {
                throw new Refusal(refused(answer));
            }
            JsonNode items = answer.body().path("items");
            for (JsonNode item : items) {
                if (item.path("name").asText().equalsIgnoreCase(name)) {
                    return person(item.path("id").asLong(), false).orElse(null);
                }
            }
            if (items.size() < PAGE) {
                return null;
            }
        }
        return null;
    }

    private Optional<Person> person(long id, boolean imported) throws Refusal {
        GatewayClient.Answer answer = client.get("/api/people/" + id);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        if (!answer.ok()) {
            throw new Refusal(refused(answer));
        }
        Set<Long> faces = new HashSet<>();
        answer.body().path("faces").forEach(face -> faces.add(face.path("id").asLong()));
        return Optional.of(new Person(id, answer.body().path("name").asText(), imported, faces));
    }

    /** A POST, waiting out the rate limit (Retry-After) a few times instead of refusing the photos. */
    private GatewayClient.Answer post(String path, Map<String, Object> form) {
        GatewayClient.Answer answer = client.postForm(path, form);
        for (int retry = 0; answer.status() == 429 && retry < MAX_RATE_LIMIT_RETRIES; retry++) {
            sleepSeconds(answer.retryAfter());
            answer = client.postForm(path, form);
        }
        if (answer.status() == 401 || answer.status() == 403) {
            throw new CliException("the gateway refused the key during the import (" + answer.status() + " " + answer.error() + "): " + answer.message());
        }
        return answer;
    }

    private static void sleepSeconds(String retryAfter) {
        long seconds;
        try {
            seconds = retryAfter == null ? 1 : Math.max(1, Math.min(60, Long.parseLong(retryAfter.strip())));
        } catch (NumberFormatException e) {
            seconds = 1;
        }
        try {
            Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** The API's refusal, in the categories the summary counts; anything the server got wrong is a failure, not a refusal. */
    static Outcome refused(GatewayClient.Answer answer) {
        String reason = switch (answer.error()) {
            case "low_quality" -> "quality gate";
            case "no_face" -> "no face";
            case "multiple_faces" -> "several faces";
            case "already_enrolled" -> "duplicate";
            case "invalid_image", "unsupported_file_type", "too_large", "image_too_large" -> "bad file";
            case "invalid_name" -> "bad name";
            default -> null;
        };
        if (reason == null) {
            return new Outcome(Kind.FAILED, answer.error(), answer.status() + " " + answer.error() + ": " + answer.message());
        }
        return new Outcome(Kind.REFUSED, reason, answer.message());
    }

    private void report(Progress progress, String label, Outcome outcome) {
        counts.merge(outcome.kind(), 1, Integer::sum);
        String line = String.format("%-8s %s  (%s%s)", outcome.kind().name().toLowerCase(Locale.ROOT), label,
                outcome.reason() == null ? "" : outcome.reason() + ": ", outcome.detail());
        if (outcome.kind() == Kind.REFUSED || outcome.kind() == Kind.FAILED) {
            refusedBy.merge(outcome.kind() == Kind.FAILED ? "failed" : outcome.reason(), 1, Integer::sum);
            refusals.add(line);
        }
        progress.step(label, line, outcome.kind() == Kind.REFUSED || outcome.kind() == Kind.FAILED);
    }

    private int count(Kind kind) {
        return counts.getOrDefault(kind, 0);
    }

    private void summary(PrintWriter out, Path record) {
        int enrolled = count(Kind.ENROLLED);
        out.println();
        out.printf("enrolled: %d photos (%d new people, %d faces added to people)%n", enrolled, newPeople, enrolled - newPeople);
        out.printf("skipped:  %d photos already enrolled%n", count(Kind.SKIPPED));
        StringBuilder why = new StringBuilder();
        refusedBy.forEach((reason, n) -> {
            if (!reason.equals("failed")) {
                why.append(why.length() == 0 ? ": " : ", ").append(reason).append(' ').append(n);
            }
        });
        out.printf("refused:  %d photos%s%n", count(Kind.REFUSED), why);
        out.printf("failed:   %d photos%n", count(Kind.FAILED));
        if (!refusals.isEmpty()) {
            out.println();
            out.println("Not enrolled:");
            refusals.forEach(line -> out.println("  " + line));
        }
        out.println();
        out.println("Import record: " + record + " (a re-run skips what it lists)");
        out.flush();
    }

    static String contentType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        return name.endsWith(".png") ? "image/png" : null;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
