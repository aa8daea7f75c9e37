package io.facestream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Verification pairs from either LFW's pairs.txt format or a CSV ({@code [fold,]path1,path2,same}). */
public final class PairList {

    public record Pair(Path first, Path second, boolean same) {
    }

    private PairList() {
    }

    /** @param images root that relative paths are resolved against (for pairs.txt: the folder of name/name_0001.jpg) */
    public static List<Pair> read(Path file, Path images) throws IOException {
        List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        List<Pair> pairs = new ArrayList<>();
        if (file.toString().endsWith(".csv")) {
            List<String> header = List.of(lines.get(0).split(","));
            int p1 = header.indexOf("path1"), p2 = header.indexOf("path2"), same = header.indexOf("same");
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                pairs.add(new Pair(images.resolve(f[p1]), images.resolve(f[p2]), f[same].trim().equals("1")));
            }
            return pairs;
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                pairs.add(new Pair(lfw(images, f[0], f[1]), lfw(images, f[0], f[2]), true));
            } else if (f.length == 4) {
                pairs.add(new Pair(lfw(images, f[0], f[1]), lfw(images, f[2], f[3]), false));
            } else {
                throw new IOException("not an LFW pairs line: " + line);
            }
        }
        return pairs;
    }

    private static Path lfw(Path images, String name, String number) {
        return images.resolve(name).resolve(String.format("%s_%04d.jpg", name, Integer.parseInt(number)));
    }

    public record Labelled(Path image, String identity) {
    }

    /** An identities CSV ({@code path,identity}). */
    public static List<Labelled> identities(Path file, Path images) throws IOException {
        List<Labelled> out = new ArrayList<>();
        for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
            if (!line.isBlank()) {
                String[] f = line.split(",");
                out.add(new Labelled(images.resolve(f[0]), f[1].trim()));
            }
        }
        return out;
    }
}
