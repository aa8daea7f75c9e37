package io.facestream.gateway.recognition;

import java.io.IOException;
import java.util.UUID;

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
        if (hasFaceId && !faceId.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "face_id is not a face id returned by detect or recognize");
        }
        return hasFile ? frame(operation, check(file), name, null) : frame(operation, null, name, faceId.toLowerCase());
    }

    public static Frame frame(Operation operation, ImageUpload upload, String name, String faceId) {
        return PipelineClient.frame(SourceKind.REQUEST, UUID.randomUUID().toString(), 0, operation, upload == null ? null : upload.bytes(), name, faceId);
    }

    public ImageUpload check(MultipartFile file) {
        if (file == null || file.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_image", "the '" + (file == null ? "file" : file.getName()) + "' part is empty");
        }
        try {
            return ImageUpload.prepare(file.getBytes(), properties.maxImageSide());
        } catch (IOException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "cannot read the upload: " + e.getMessage());
        }
    }
}
