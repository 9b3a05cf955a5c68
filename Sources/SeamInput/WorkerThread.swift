#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain POSIX thread running one closure, that can be joined.
///
/// Foundation's `Thread` cannot be joined; the pipeline must know a worker has stopped
/// touching a file descriptor or buffer before it releases them.
@_spi(SeamStages) public final class WorkerThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    private var thread: pthread_t?

    /// Starts `body` on a new thread at once (1 MiB stack: workers keep no deep recursion).
    @_spi(SeamStages) public init(_ body: @escaping () -> Void) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 1 << 20)
        defer { pthread_attr_destroy(&attributes) }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        #if canImport(Glibc)
        var id = pthread_t()
        #else
        var id: pthread_t?
        #endif
        let rc = pthread_create(&id, &attributes, { raw in
            Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed (\(rc))")
        thread = id
    }

    /// Waits for the body to return. Idempotent.
    @_spi(SeamStages) public func join() {
        guard let t = thread else { return }
        thread = nil
        #if canImport(Glibc)
        pthread_join(t, nil)
        #else
        pthread_join(t!, nil)
        #endif
    }

    /// Lets the thread run on unjoined (it ends with the body or the process): for a reader
    /// that may be blocked on a live pipe when a run is stopped (`HandoffWatch`). Idempotent;
    /// a later `join` does nothing.
    @_spi(SeamStages) public func detach() {
        guard let t = thread else { return }
        thread = nil
        #if canImport(Glibc)
        pthread_detach(t)
        #else
        pthread_detach(t!)
        #endif
    }

    deinit { join() }
}
