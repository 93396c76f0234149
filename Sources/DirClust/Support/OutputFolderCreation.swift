import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Creates `path` and any missing parent folders, as `mkdir -p` does, or throws one `DirClustError` that
/// says why not: which ancestor is a file, or what the system refused (permission, read-only disk).
/// - Parameter what: how the caller names the folder in the message (`output directory`, `--out`).
public func createOutputFolder(_ path: String, what: String) throws {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else {
            throw DirClustError("\(what) \(path) cannot be created: it is a file, not a folder; choose another path")
        }
        return
    }
    // The nearest ancestor that exists must be a folder.
    var ancestor = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
    while ancestor.path != "/" && !fm.fileExists(atPath: ancestor.path) { ancestor.deleteLastPathComponent() }
    if fm.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), !isDirectory.boolValue {
        throw DirClustError("\(what) \(path) cannot be created: \(ancestor.path) is a file, not a folder; choose another path")
    }
    var missing: [String] = []
    var p = URL(fileURLWithPath: path).standardizedFileURL
    while p.path != ancestor.path { missing.append(p.path); p.deleteLastPathComponent() }
    for folder in missing.reversed() where mkdir(folder, 0o777) != 0 && errno != EEXIST {
        throw DirClustError("\(what) \(path) cannot be created: making \(folder) failed (\(String(cString: strerror(errno)))); choose a folder you can write to")
    }
}
