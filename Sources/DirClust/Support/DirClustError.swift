/// The one error type users see: a single clear sentence naming the file or field, the problem and what
/// is expected. Every public entry point that validates input throws this.
public struct DirClustError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
