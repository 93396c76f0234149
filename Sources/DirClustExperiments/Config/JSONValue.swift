import DirClust
import Foundation

/// A JSON document as a plain value tree: what a config file parses to before it is checked field by
/// field, and what `--set a.b=value` overrides edit (Hydra-style dotted paths).
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Parses strict JSON text (`StrictJSON`: no duplicate keys, no trailing commas); `source` names the
    /// file in the error, which gives the line and column.
    public static func parse(_ data: Data, source: String) throws -> JSONValue {
        do { return try StrictJSON.parse([UInt8](data)) } catch {  // typed: StrictJSONError
            throw DirClustError("\(source) is not valid JSON: \(error.description); expected one JSON object")
        }
    }

    /// A short human description of a value for error messages (`"x"`, `0`, `[1, 2]`, `an object`).
    public var brief: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return formatNumber(d)
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.prefix(4).map(\.brief).joined(separator: ", ") + (a.count > 4 ? ", …]" : "]")
        case .object: return "an object"
        }
    }

    /// The value of a command-line override: JSON if it parses as JSON (`3`, `[2,4]`, `true`, `{"a":1}`),
    /// otherwise the text itself as a string (`tmm`, `x`).
    public static func overrideValue(_ text: String) -> JSONValue {
        if let v = try? StrictJSON.parse(Array(text.utf8)) { return v }
        return .string(text)
    }

    /// Returns a copy with the value at the dotted `path` (`excerpt.seconds`, `conditions.1.snrDb`)
    /// replaced; missing intermediate objects are created. An array element is addressed by its index.
    public func setting(_ path: String, to value: JSONValue) throws -> JSONValue {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw DirClustError("--set \(path): the key path is malformed; expected dotted keys such as excerpt.seconds=2")
        }
        return try Self.set(self, parts[...], value, fullPath: path)
    }

    private static func set(_ node: JSONValue, _ parts: ArraySlice<String>, _ value: JSONValue, fullPath: String) throws -> JSONValue {
        guard let head = parts.first else { return value }
        let rest = parts.dropFirst()
        switch node {
        case .object(var o):
            o[head] = try set(o[head] ?? .object([:]), rest, value, fullPath: fullPath)
            return .object(o)
        case .array(var a):
            guard let i = Int(head), a.indices.contains(i) else {
                throw DirClustError("--set \(fullPath): '\(head)' is not an index of the list (it has \(a.count) elements, 0…\(a.count - 1))")
            }
            a[i] = try set(a[i], rest, value, fullPath: fullPath)
            return .array(a)
        default:
            throw DirClustError("--set \(fullPath): '\(head)' is inside a value that is not an object (\(node.brief))")
        }
    }
}

/// Numbers as people write them: `15`, `0.05`, `-10`, `1e-06`.
func formatNumber(_ d: Double) -> String {
    if d.isFinite && d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
    return "\(d)"
}
