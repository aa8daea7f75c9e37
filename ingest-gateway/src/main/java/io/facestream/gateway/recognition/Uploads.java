package io.facestream.gateway.recognition;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

import io.facestream.gateway.GatewayProperties;
import io.facestream.gateway.pipeline.PipelineClient;
import io.facestream.schemas.Frame;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;

/** Uploaded photos checked and turned into request frames, the same way for every route. */
@Component
public class Uploads {

    private static final Pattern FACE_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Declared types of a file part that may hold a JPEG or PNG; the bytes decide which it is. */
    private static final Set<String> IMAGE_TYPES = Set.of(
            "image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/x-png", "application/octet-stream");

    private final GatewayProperties properties;

    public Uploads(GatewayProperties properties) {
        this.properties = properties;
    }

    /** A frame that enrols one face: from an uploaded photo or from a face detected within the last minute. */
    public Frame enrolmentFrame(Operation operation, MultipartFile file, String faceId, String name) {
        boolean hasFile = file != null;
        boolean hasFaceId = faceId != null && !faceId.isBlank();
        if (hasFile == hasFaceId) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "send either a 'file' or a 'face_id', not both and not neither");
        }
        if (hasFaceId && !FACE_ID.matcher(faceId.strip()).matches()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_face_id", "face_id is not a face id returned by detect or recognize (a UUID)");
        }
        return hasFile ? frame(operation, check(file), name, null) : frame(operation, null, name, faceId.strip().toLowerCase(Locale.ROOT));
    }

    public static Frame frame(Operation operation, ImageUpload upload, String name, String faceId) {
        return PipelineClient.frame(SourceKind.REQUEST, UUID.randomUUID().toString(), 0, operation, upload == null ? null : upload.bytes(), name, faceId);
    }

    public ImageUpload check(MultipartFile file) {
        String part = file == null ? "file" : file.getName();
        if (file == null || file.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_image", "the '" + part + "' part is empty (" + ImageUpload.ACCEPTED + ")");
        }
        String declared = file.getContentType();
        if (declared != null && !declared.isBlank()) {
            String type = declared.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!IMAGE_TYPES.contains(type)) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "unsupported_file_type",
                        "the '" + part + "' part is declared as " + (type.matches("[a-z0-9.+-]{1,60}/[a-z0-9.+-]{1,60}") ? type : "an unknown type")
                                + "; " + ImageUpload.ACCEPTED + " (image/jpeg, image/png)");
            }
        }
        try {
            return ImageUpload.prepare(file.getBytes(), properties.maxImageSide(), properties.maxImagePixels());
        } catch (IOException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "cannot read the upload: " + e.getMessage());
        }
    }
}
