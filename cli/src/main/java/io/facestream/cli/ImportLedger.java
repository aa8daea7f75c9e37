package io.facestream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What earlier imports of a folder stored, so a re-run skips it. The gateway keeps no photos, so it cannot
 * tell whether a given file was enrolled; this file can: one tab-separated line per stored photo
 * ({@code sha256, person id, face id, gateway URL, path}), appended as each enrolment succeeds, so an
 * interrupted import keeps what it did. Photos are known by content within their person's folder, so a renamed
 * file is still skipped, an edited one is new, and the same file in another person's folder is that person's
 * photo (the server's duplicate check answers for it); lines of another gateway are ignored. A line is only trusted while the gateway still has
 * that face (the import checks), so erasing a person on the server and importing again enrols them again.
 */
final class ImportLedger {

    static final String FILE_NAME = ".facestream-import.tsv";
    private static final String HEADER = "# facestream import: sha256\tperson_id\tface_id\tgateway\tpath";

    record Entry(String sha256, long personId, long faceId, String gateway, String path) {
    }

    private final Path file;
    private final String gateway;
    /** By person folder and sha256. */
    private final Map<String, Entry> byPhoto = new HashMap<>();

    private ImportLedger(Path file, String gateway) {
        this.file = file;
        this.gateway = gateway;
    }

    static ImportLedger open(Path file, String gateway) {
        ImportLedger ledger = new ImportLedger(file, gateway);
        if (Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] fields = line.split("\t", -1);
                    if (line.startsWith("#") || fields.length < 5 || !fields[3].equals(gateway)) {
                        continue;
                    }
                    try {
                        Entry entry = new Entry(fields[0], Long.parseLong(fields[1]), Long.parseLong(fields[2]), fields[3], fields[4]);
                        ledger.byPhoto.put(key(folder(entry.path()), entry.sha256()), entry);
                    } catch (NumberFormatException e) {
                        // a damaged line: that photo is simply not known
                    }
                }
            } catch (IOException e) {
                throw new CliException("cannot read the import record " + file + ": " + e.getMessage(), e);
            }
        }
        return ledger;
    }

    /** What an earlier import stored for this content in this person folder. */
    Optional<Entry> find(String folder, String sha256) {
        return Optional.ofNullable(byPhoto.get(key(folder, sha256)));
    }

    /** @param path the photo as {@code folder/file}, relative to the imported folder */
    void record(String sha256, long personId, long faceId, String path) {
        Entry entry = new Entry(sha256, personId, faceId, gateway, path.replace('\t', ' ').replace('\n', ' '));
        byPhoto.put(key(folder(entry.path()), sha256), entry);
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(file, String.join("\t", entry.sha256(), String.valueOf(personId), String.valueOf(faceId), gateway, entry.path()) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the import record " + file + " (a re-run would enrol this photo again)", e);
        }
    }

    private static String folder(String path) {
        int slash = path.indexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String key(String folder, String sha256) {
        return folder + "/" + sha256;
    }
}
