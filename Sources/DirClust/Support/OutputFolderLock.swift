import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ownership of an output folder for one process: an advisory `flock(2)` on `<folder>/.dirclust.lock`,
/// which holds the owner's PID. A second `dirclust run` (or `merge --out`) into the same folder is
/// refused with the holder's PID instead of silently overwriting the first one's `trials.csv`. The kernel
/// drops the lock when the process exits, however it exits (kill -9 included), so a crash never leaves
/// a folder locked; a lock file left behind by a crash is simply locked again.
///
/// Only writers lock: `merge` reads shard folders without looking at their locks.
public final class OutputFolderLock: @unchecked Sendable {
    public static let fileName = ".dirclust.lock"

    public let path: String
    private var fd: Int32

    /// Locks `folder` (which must exist) or throws a `DirClustError` naming the holder's PID.
    /// - Parameter command: what the caller is, for the message (`dirclust run`).
    public init(folder: String, command: String) throws {
        path = "\(folder)/\(Self.fileName)"
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw DirClustError("\(command): cannot create the lock file \(path) (\(String(cString: strerror(errno)))); expected a writable output folder")
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let code = errno
                let holder = Self.readPID(fd)
                close(fd)
                guard code == EWOULDBLOCK else {
                    throw DirClustError("\(command): cannot lock \(path) (\(String(cString: strerror(code))))")
                }
                throw DirClustError("\(command): \(folder) is in use by another dirclust process (PID \(holder.map(String.init) ?? "unknown"), see \(path)); wait for it to finish, or choose another --out (shards of one run each need their own folder; `dirclust merge` joins them)")
            }
            // The file may have been unlinked by its previous owner between our open and flock: then we
            // hold a lock on a file nobody else will open. Retry on the file now at the path.
            var mine = stat(), current = stat()
            guard fstat(fd, &mine) == 0, stat(path, &current) == 0, mine.st_ino == current.st_ino, mine.st_dev == current.st_dev else {
                close(fd)
                continue
            }
            let text = "\(getpid())\n"
            _ = ftruncate(fd, 0)
            _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
            self.fd = fd
            return
        }
    }

    /// Removes the lock file and releases the lock (also done by `deinit` and, on any exit, by the kernel).
    public func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
    }

    deinit { release() }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
