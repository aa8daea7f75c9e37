package io.facestream.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import io.facestream.gateway.pipeline.RequestFrames;
import io.facestream.schemas.AvroSerde;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PipelineError;

/** The one table of pipeline codes to HTTP statuses (it was a switch on strings in Answers.successful). */
class ApiErrorTest {

    static {
        // Builders fill defaults through Avro, which trusts the generated classes once AvroSerde is loaded (as in every service).
        AvroSerde.of(MatchResult.class);
    }

    @Test
    void everyPipelineCodeHasItsStatusAndOnlyInternalIsA500() {
        assertThat(ApiError.of(ErrorCode.INVALID_IMAGE).status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(ApiError.of(ErrorCode.INVALID_REQUEST).status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(ApiError.of(ErrorCode.NO_FACE).status()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(ApiError.of(ErrorCode.MULTIPLE_FACES).status()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(ApiError.of(ErrorCode.LOW_QUALITY).status()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(ApiError.of(ErrorCode.FACE_NOT_FOUND).status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(ApiError.of(ErrorCode.PERSON_NOT_FOUND).status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(ApiError.of(ErrorCode.ALREADY_ENROLLED).status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(ApiError.of(ErrorCode.UNAVAILABLE).status()).as("a store down: retry later").isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(ApiError.of(code).code()).as("clients see the pipeline's code in lower case").isEqualTo(code.name().toLowerCase());
            assertThat(ApiError.of(code).status() == HttpStatus.INTERNAL_SERVER_ERROR).as(code.name()).isEqualTo(code == ErrorCode.INTERNAL);
        }
    }

    @Test
    void aPipelineErrorBecomesItsApiErrorWithTheMatchedPerson() {
        MatchResult enrolled = MatchResult.newBuilder().setHeader(RequestFrames.ping().getHeader()).setError(ErrorCode.ALREADY_ENROLLED.error("matches 7"))
                .setExistingPersonId(7L).build();
        assertThatThrownBy(() -> Failures.successful(enrolled)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT);
            assertThat(e.error()).isEqualTo("already_enrolled");
            assertThat(e.existingPersonId()).isEqualTo(7L);
        });
        MatchResult unknown = MatchResult.newBuilder().setHeader(RequestFrames.ping().getHeader()).setError(new PipelineError("FROM_A_NEWER_MATCHER", "?")).build();
        assertThatThrownBy(() -> Failures.successful(unknown)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR));
    }
}
