package io.facestream.gateway.recognition;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

import io.facestream.gateway.GatewayProperties;
import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;

/** Uploaded photos and face ids checked the same way for every route (frames are made by RequestFrames). */
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

    /** The face an enrolment stands for: an uploaded photo ({@code image}) or a face detected within the last minute ({@code faceId}). */
    public record EnrolmentFace(byte[] image, String faceId) {
    }

    public EnrolmentFace enrolmentFace(MultipartFile file, String faceId) {
        boolean hasFile = file != null;
        boolean hasFaceId = faceId != null && !faceId.isBlank();
        if (hasFile == hasFaceId) {
            throw new ApiException(ApiError.INVALID_REQUEST, "send either a 'file' or a 'face_id', not both and not neither");
        }
        if (hasFaceId && !FACE_ID.matcher(faceId.strip()).matches()) {
            throw new ApiException(ApiError.INVALID_FACE_ID, "face_id is not a face id returned by detect or recognize (a UUID)");
        }
        return hasFile ? new EnrolmentFace(check(file).bytes(), null) : new EnrolmentFace(null, faceId.strip().toLowerCase(Locale.ROOT));
    }

    public ImageUpload check(MultipartFile file) {
        String part = file == null ? "file" : file.getName();
        if (file == null || file.isEmpty()) {
            throw new ApiException(ApiError.INVALID_IMAGE, "the '" + part + "' part is empty (" + ImageUpload.ACCEPTED + ")");
        }
        String declared = file.getContentType();
        if (declared != null && !declared.isBlank()) {
            String type = declared.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!IMAGE_TYPES.contains(type)) {
                throw new ApiException(ApiError.UNSUPPORTED_FILE_TYPE,
                        "the '" + part + "' part is declared as " + (type.matches("[a-z0-9.+-]{1,60}/[a-z0-9.+-]{1,60}") ? type : "an unknown type")
                                + "; " + ImageUpload.ACCEPTED + " (image/jpeg, image/png)");
            }
        }
        try {
            return ImageUpload.prepare(file.getBytes(), properties.maxImageSide(), properties.maxImagePixels());
        } catch (IOException e) {
            throw new ApiException(ApiError.INVALID_REQUEST, "cannot read the upload: " + e.getMessage());
        }
    }
}
