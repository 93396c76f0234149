import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Paths removed when the process is stopped by SIGINT (Ctrl-C) or SIGTERM (`kill`, a batch scheduler's
/// time limit), so an interrupted `dirclust separate` leaves no hidden half-written folder behind. The
/// signals are taken by a dispatch source (a normal thread, where removing files is allowed); after the
/// clean-up the signal is raised again with its default action, so the process still dies of it (exit
/// status 128 + signal in a shell). SIGKILL cannot be caught: stale folders of dead processes are removed
/// by the next run instead (`OutputFolder.removeStaleStaging`).
public enum InterruptCleanup {
    private static let state = Mutex()
    nonisolated(unsafe) private static var paths: Set<String> = []
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    nonisolated(unsafe) private static var interrupted = false

    /// Removes `path` (recursively) if the process is interrupted before `unregister(path)`.
    public static func register(_ path: String) {
        state.locked {
            installOnce()
            paths.insert(path)
        }
    }

    public static func unregister(_ path: String) {
        state.locked { _ = paths.remove(path) }
    }

    /// Called on the error path of interruptible work: once a signal is being handled, the work's own
    /// error (its folder was just removed under it) must not end the process with a plain exit status
    /// before the handler re-raises the signal, so this waits for that (it never returns then).
    public static func yieldToInterrupt() {
        guard state.locked({ interrupted }) else { return }
        while true { pause() }
    }

    /// Must be called with the lock held.
    private static func installOnce() {
        guard sources.isEmpty else { return }
        let queue = DispatchQueue(label: "dirclust.interrupt-cleanup")
        // A source is armed asynchronously (on libdispatch's manager thread): until then an ignored signal
        // would be lost and the work would run to the end (exit 0). Wait for both registrations.
        let armed = DispatchSemaphore(value: 0)
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)  // delivered to the dispatch source instead of killing the process
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                let victims = state.locked { interrupted = true; return paths }
                for path in victims {
                    // The interrupted work may still be adding files: retry until the folder is gone.
                    for _ in 0..<20 where FileManager.default.fileExists(atPath: path) {
                        try? FileManager.default.removeItem(atPath: path)
                    }
                }
                signal(sig, SIG_DFL)
                kill(getpid(), sig)
            }
            source.setRegistrationHandler { armed.signal() }
            source.resume()
            sources.append(source)
        }
        for _ in sources { _ = armed.wait(timeout: .now() + 5) }
    }

    /// An NSLock with a closure form.
    private final class Mutex: @unchecked Sendable {
        private let lock = NSLock()
        func locked<T>(_ body: () -> T) -> T { lock.lock(); defer { lock.unlock() }; return body() }
    }
}
