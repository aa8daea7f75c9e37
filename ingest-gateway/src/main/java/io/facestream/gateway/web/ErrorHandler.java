package io.facestream.gateway.web;

import java.util.Locale;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.util.DisconnectedClientHelper;

import io.facestream.gateway.GatewayProperties;
import io.facestream.gateway.pipeline.PipelineTimeoutException;

/**
 * Every error leaves as JSON {"error", "message"}, whatever the client accepts, and never with
 * the client's own input or a stack trace echoed back.
 */
@RestControllerAdvice
public class ErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    /** @param existingPersonId with 409 already_enrolled: the person the face matched */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorResponse(String error, String message, Long existingPersonId) {
        public ErrorResponse(String error, String message) {
            this(error, message, null);
        }
    }

    private final GatewayProperties properties;

    public ErrorHandler(GatewayProperties properties) {
        this.properties = properties;
    }

    static ResponseEntity<ErrorResponse> answer(ApiError error, String message) {
        return answer(error.status(), error.code(), message);
    }

    /** For statuses Spring itself decides (404 unknown route, 405, ...), named after the status. */
    static ResponseEntity<ErrorResponse> answer(HttpStatusCode status, String error, String message) {
        // Content type set here, so an Accept header without JSON cannot turn an error into an empty 406.
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(new ErrorResponse(error, message));
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorResponse> api(ApiException e) {
        return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON)
                .body(new ErrorResponse(e.error(), e.getMessage(), e.existingPersonId()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorResponse> unreadable(HttpMessageNotReadableException e) {
        return answer(ApiError.INVALID_JSON, "the request body is not the JSON this route expects");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ErrorResponse> typeMismatch(MethodArgumentTypeMismatchException e) {
        return answer(ApiError.INVALID_REQUEST, "'" + e.getName() + "' must be a "
                + (e.getRequiredType() == null ? "valid value" : e.getRequiredType().getSimpleName().toLowerCase(Locale.ROOT)));
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    ResponseEntity<ErrorResponse> missingPart(MissingServletRequestPartException e) {
        return answer(ApiError.MISSING_FIELD, "the '" + e.getRequestPartName() + "' field is missing");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ErrorResponse> missingParameter(MissingServletRequestParameterException e) {
        return answer(ApiError.MISSING_FIELD, "the '" + e.getParameterName() + "' field is missing");
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ErrorResponse> tooLarge(MaxUploadSizeExceededException e) {
        // The container's exception names the limit: FileSizeLimitExceeded, SizeLimitExceeded or FileCountLimitExceeded.
        String cause = String.valueOf(e.getMostSpecificCause()).toLowerCase(Locale.ROOT);
        String message = cause.contains("count")
                ? "the upload has too many parts; send one 'file' and, for register, 'name' or 'face_id' (at most 8 faces to /api/people/from-faces)"
                : "the upload exceeds the " + properties.maxUploadSize().toMegabytes() + " MB limit";
        return answer(ApiError.TOO_LARGE, message);
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ErrorResponse> multipart(MultipartException e) {
        return answer(ApiError.INVALID_REQUEST, "the body is not a readable multipart/form-data upload");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorResponse> mediaType(HttpMediaTypeNotSupportedException e) {
        String got = e.getContentType() == null ? "no Content-Type" : "Content-Type " + e.getContentType().getType() + "/" + e.getContentType().getSubtype();
        boolean upload = e.getSupportedMediaTypes().contains(MediaType.MULTIPART_FORM_DATA);
        return answer(ApiError.UNSUPPORTED_MEDIA_TYPE, upload
                ? "send multipart/form-data with a 'file' part (JPEG or PNG), not " + got
                : "send " + e.getSupportedMediaTypes() + ", not " + got);
    }

    @ExceptionHandler(PipelineTimeoutException.class)
    ResponseEntity<ErrorResponse> timeout(PipelineTimeoutException e) {
        return api(Failures.of(e));
    }

    @ExceptionHandler(CompletionException.class)
    ResponseEntity<ErrorResponse> pipeline(CompletionException e) {
        // A timeout arrives as PipelineTimeoutException; what remains is a failure to send.
        log.error("the pipeline failed", e.getCause());
        return api(Failures.of(e));
    }

    /** What Spring itself refuses (unknown route 404, wrong method 405, ...), and anything unforeseen as a bare 500. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorResponse> other(Exception e) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            return null; // nobody to answer
        }
        if (e instanceof org.springframework.web.ErrorResponse spring) {
            HttpStatusCode status = spring.getStatusCode();
            HttpStatus known = HttpStatus.resolve(status.value());
            String error = known == null ? "error" : known.name().toLowerCase(Locale.ROOT);
            String message = known == null ? "request refused" : known.getReasonPhrase();
            if (e instanceof org.springframework.web.HttpRequestMethodNotSupportedException method && method.getSupportedHttpMethods() != null) {
                message += "; use " + method.getSupportedHttpMethods();
            }
            return answer(status, error, message);
        }
        log.error("unexpected failure", e);
        return answer(ApiError.INTERNAL, "the request failed on the server");
    }
}
