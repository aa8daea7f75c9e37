package io.facestream.face;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * One ONNX Runtime environment per JVM, and sessions configured alike.
 *
 * <p>ONNX Runtime 1.29 overflows a default 1 MB Java thread stack while it initialises (a plain
 * SIGSEGV, no Java error), so the environment and sessions are created on a thread of their own
 * with room to spare. Running a session needs no more than a normal stack.
 */
final class Onnx {

    private static final long INIT_STACK_BYTES = 64L * 1024 * 1024;

    /** Initialised on first use; a static field of Onnx itself would deadlock, as the init thread would wait for Onnx's class initialisation. */
    private static final class Holder {
        static final OrtEnvironment ENVIRONMENT = onLargeStack(OrtEnvironment::getEnvironment);
    }

    private Onnx() {
    }

    static OrtEnvironment environment() {
        return Holder.ENVIRONMENT;
    }

    static OrtSession session(Path model) {
        OrtEnvironment environment = environment();
        return onLargeStack(() -> {
            try {
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                // Services scale by stream threads on small machines; one intra-op thread each avoids oversubscribing the cores.
                options.setIntraOpNumThreads(intraOpThreads());
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                return environment.createSession(model.toString(), options);
            } catch (OrtException e) {
                throw new IllegalStateException("cannot load model " + model + ": " + e.getMessage(), e);
            }
        });
    }

    /** {@code facestream.onnx.threads} (system property) or {@code FACESTREAM_ONNX_THREADS}, default 1. */
    static int intraOpThreads() {
        String value = System.getProperty("facestream.onnx.threads", System.getenv("FACESTREAM_ONNX_THREADS"));
        return value == null || value.isBlank() ? 1 : Integer.parseInt(value.trim());
    }

    /** Opens a model and hands it to {@code wrap} (a detector or embedder that checks it); the session is closed if that fails. */
    static <T> T open(Path model, Function<OrtSession, T> wrap) {
        OrtSession session = session(model);
        try {
            return wrap.apply(session);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * Checks that the model has this NCHW input and, where its height and width are fixed (dynamic ones report
     * -1), that they are {@code size}: a fixed-size export only runs at its own size.
     */
    static void requireSquareInput(OrtSession session, String input, int size, String model) {
        try {
            if (!session.getInputInfo().containsKey(input)) {
                // "an SCRFD": the name is read letter by letter.
                throw new IllegalStateException("not " + (model.startsWith("S") ? "an " : "a ") + model + " model: inputs " + session.getInputNames());
            }
            long[] shape = ((TensorInfo) session.getInputInfo().get(input).getInfo()).getShape();
            if ((shape[2] > 0 && shape[2] != size) || (shape[3] > 0 && shape[3] != size)) {
                throw new IllegalArgumentException("this " + model + " model takes " + Arrays.toString(shape) + "; inputSize " + size + " does not fit it");
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cannot read " + model + " model metadata: " + e.getMessage(), e);
        }
    }

    /** Runs the model on one float tensor (a direct buffer is read in place, without a copy); the caller closes the result. */
    static OrtSession.Result run(OrtSession session, String input, FloatBuffer data, long... shape) throws OrtException {
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment(), data, shape)) {
            return session.run(Map.of(input, tensor));
        }
    }

    /** A named float output of a result. */
    static FloatBuffer output(OrtSession.Result result, String name) {
        return ((OnnxTensor) result.get(name).orElseThrow(() -> new IllegalStateException("model output " + name + " missing"))).getFloatBuffer();
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException | RuntimeException e) {
            // already failing for a better reason
        }
    }

    private static <T> T onLargeStack(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(null, () -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "onnx-init", INIT_STACK_BYTES);
        thread.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading a model", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }
}
